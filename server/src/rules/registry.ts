/**
 * Every rule, in reporting order. Ids are stable: they appear in settings
 * (`iis6Metabase.rules.<id>`), suppression comments, the CLI output and diagnostic.code.
 */
import type { Rule } from './ruleTypes';
import { structureRules } from './structureRules';

export const allRules: readonly Rule[] = [...structureRules];

export const ruleById: ReadonlyMap<string, Rule> = new Map(allRules.map((r) => [r.meta.id, r]));
