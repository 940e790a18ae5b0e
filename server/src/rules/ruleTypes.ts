/**
 * The rule framework: every diagnostic the tool reports comes from a rule with a stable id, a
 * default severity that settings override (`iis6Metabase.rules.<id>`), and the sources it rests on.
 */
import type { MetabaseKey, MetabaseModel } from '../model/metabaseModel';
import type { XmlAttribute } from '../parser/xmlTypes';
import type { SchemaCatalog } from '../schema/catalog';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface RuleMeta {
  id: string;
  defaultSeverity: Severity;
  /** One line: what the rule finds. */
  description: string;
  /** Where the fact behind the rule comes from (public URLs, optionally followed by " (a note)"; never a file outside the repository). */
  sources: string[];
}

/** Extra data a quick fix needs; sent as diagnostic.data together with key/location/property. */
export type FixData = Record<string, unknown>;

export interface Finding {
  rule: string;
  start: number;
  end: number;
  message: string;
  key?: MetabaseKey;
  property?: string;
  data?: FixData;
  /** Rendered faded (unnecessary) or struck through (deprecated) by editors. */
  tags?: Array<'unnecessary' | 'deprecated'>;
  /** Overrides the rule's default severity (settings still win). */
  severity?: Severity;
}

export interface RuleContext {
  readonly model: MetabaseModel;
  readonly catalog: SchemaCatalog;
  report(finding: Omit<Finding, 'rule'>): void;
  /** 1-based line of an offset, for messages that point elsewhere. */
  lineOf(offset: number): number;
  /** Report on a whole attribute (name through closing quote) of a key. */
  reportAttr(key: MetabaseKey, attr: XmlAttribute, message: string, extra?: Partial<Omit<Finding, 'rule'>>): void;
  /** Report on an attribute's value only (falls back to the name when there is no value). */
  reportValue(key: MetabaseKey, attr: XmlAttribute, message: string, extra?: Partial<Omit<Finding, 'rule'>>): void;
  /** Report on an attribute's name only. */
  reportName(key: MetabaseKey, attr: XmlAttribute, message: string, extra?: Partial<Omit<Finding, 'rule'>>): void;
  /** Report on a key's element name. */
  reportKey(key: MetabaseKey, message: string, extra?: Partial<Omit<Finding, 'rule'>>): void;
}

/**
 * A rule has a key part, a document part, or both.
 *
 * `checkKey` looks at one key only: its element, its own path and type, the schema, and the
 * document-wide facts that make up the validation context (isolation mode, the restriction list
 * of /LM/W3SVC, the names of the pools, the bitness of the script maps; see
 * features/validation.ts). Its findings stay valid as long as the key's element and the context
 * do, so after an edit only the keys that changed are checked again.
 *
 * `check` looks at the whole document (pools and the applications they serve, bindings across
 * sites...) and runs on every validation, so it must stay cheap: it works from the model's
 * indexes and per-application facts (model.keysWith, model.appInfo).
 */
export interface Rule {
  meta: RuleMeta;
  checkKey?(ctx: RuleContext, key: MetabaseKey): void;
  check?(ctx: RuleContext): void;
  /**
   * For a document part: every property it reads, on any key (directly, through inheritance or
   * through the model's derived facts such as appInfo; see APP_INFO_PROPERTIES). When an edit
   * changes none of them, keeps every path and key type, and leaves the validation context alone,
   * the part's findings of the previous version are reused with their offsets moved (and run
   * again when a finding touches the edited text, or when the part asked for line numbers and the
   * edit added or removed a line). Without it the part runs on every validation.
   * test/unit/incrementalValidation.test.ts checks the lists against what the parts look up.
   *
   * A part that declares reads must reach keys only as applications (model.applications,
   * applicationsByPool), pools, sites (bindingIndex), keys with an indexed property (keysWith),
   * keys of a given type, fixed paths (keyAt), and the keys above those (inheritance): the Location
   * of any other key may then change without running it again (ModelChange.leafMove). A part that
   * reads paths or the key tree as such declares `reads: []`.
   */
  reads?: readonly string[];
  /**
   * For a key part: the key types it runs on. Other keys are never handed to it, so its body does
   * not ask the key's type again. (The key pass calls 30 rules for each of 46,000 keys in a
   * 10,000-site file; most of them look at a few key types or properties only.)
   */
  keyTypes?: readonly string[];
  /**
   * For a key part: it finds nothing on a key that sets none of these properties, so the key pass
   * may skip such keys (test/unit/ruleRegistry.test.ts validates without skipping and compares).
   */
  needs?: readonly string[];
}
