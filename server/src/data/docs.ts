/**
 * Documentation written for this project, in our own words, for every property of the researched
 * facts dataset (the web, application-pool and process-model properties users edit) and for the
 * key types. Facts such as types, ranges and defaults come from the generated schema data; these
 * texts explain meaning and effect. Properties without an entry get a summary generated from
 * their schema facts (see features/describe.ts).
 */
import part1 from './docs/properties-part1.json';
import part2 from './docs/properties-part2.json';
import part3 from './docs/properties-part3.json';
import keyTypes from './docs/keytypes.json';

export interface PropertyDoc {
  /** What it controls, its unit, and what changing it does. */
  summary: string;
  /** Meaning of each flag (by flag name) or enumeration value (by decimal value). */
  values?: Record<string, string>;
  /** Where the sources disagree, and what this tool shows. */
  note?: string;
}

export interface KeyTypeDoc {
  summary: string;
}

export const propertyDocs: Readonly<Record<string, PropertyDoc>> = { ...part1, ...part2, ...part3 };

export const keyTypeDocs: Readonly<Record<string, KeyTypeDoc>> = keyTypes;
