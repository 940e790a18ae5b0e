/**
 * Every rule, in reporting order. Ids are stable: they appear in settings
 * (`iis6Metabase.rules.<id>`), suppression comments, the CLI output and diagnostic.code.
 */
import { appRules } from './appRules';
import { modeRules } from './modeRules';
import { pathRules } from './pathRules';
import { poolRules } from './poolRules';
import type { Rule } from './ruleTypes';
import { securityRules } from './securityRules';
import { siteRules } from './siteRules';
import { sslRules } from './sslRules';
import { structureRules } from './structureRules';

export const allRules: readonly Rule[] = [...structureRules, ...poolRules, ...modeRules, ...appRules, ...pathRules, ...siteRules, ...sslRules, ...securityRules];

export const ruleById: ReadonlyMap<string, Rule> = new Map(allRules.map((r) => [r.meta.id, r]));
