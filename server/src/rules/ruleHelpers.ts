/** Small helpers shared by the IIS rules. */
import { parseBool, type EffectiveValue, type MetabaseKey, type MetabaseModel } from '../model/metabaseModel';
import type { XmlAttribute } from '../parser/xmlTypes';
import type { Finding, RuleContext } from './ruleTypes';
import { parseDword } from './values';

/** The key of the pool container /LM/W3SVC/AppPools, and every pool under it. */
export function poolKeys(model: MetabaseModel): MetabaseKey[] {
  return [...model.pools().values()];
}

export function effectiveNumber(model: MetabaseModel, key: MetabaseKey, name: string): { value: number | undefined; eff: EffectiveValue } {
  const eff = model.effective(key, name);
  const fromSchema = eff.value === undefined ? model.catalog.property(name)?.schemaDefault : undefined;
  const text = eff.value ?? fromSchema;
  return { value: text === undefined ? undefined : parseDword(text), eff };
}

export function effectiveBool(model: MetabaseModel, key: MetabaseKey, name: string): { value: boolean | undefined; eff: EffectiveValue } {
  const eff = model.effective(key, name);
  const text = eff.value ?? model.catalog.property(name)?.schemaDefault;
  return { value: text === undefined ? undefined : parseBool(text), eff };
}

/**
 * Reports a finding about an effective value on the attribute that sets it (once per attribute,
 * however many pools or applications inherit it), or on `fallback` when nothing sets it.
 */
export class OncePerAttribute {
  private readonly seen = new Set<XmlAttribute | MetabaseKey>();

  constructor(private readonly ctx: RuleContext) {}

  report(eff: EffectiveValue, fallback: MetabaseKey, message: string, extra?: Partial<Omit<Finding, 'rule'>>): void {
    if (eff.from && eff.attr) {
      if (this.seen.has(eff.attr)) return;
      this.seen.add(eff.attr);
      this.ctx.reportAttr(eff.from, eff.attr, message, extra);
      return;
    }
    if (this.seen.has(fallback)) return;
    this.seen.add(fallback);
    this.ctx.reportKey(fallback, message, extra);
  }
}

/** "a, b and 3 more" */
export function listSome(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Where a value comes from, for messages: "set here", "inherited from /LM/W3SVC/AppPools", "the schema default". */
export function origin(eff: EffectiveValue, at: MetabaseKey): string {
  if (!eff.from) return 'the default';
  return eff.from === at ? 'set on this key' : `inherited from ${eff.from.location}`;
}

/** Applications shown by Location, for messages. */
export function appLabel(app: MetabaseKey): string {
  return app.location;
}

/** The absolute range of one line of a MULTISZ value. */
export function entryRange(key: MetabaseKey, attr: XmlAttribute, entry: { start: number; end: number }): { start: number; end: number } {
  const base = key.element.start + attr.valueStart;
  return { start: base + entry.start, end: base + entry.end };
}

export function rawValue(model: MetabaseModel, key: MetabaseKey, attr: XmlAttribute): string {
  if (attr.valueStart < 0) return '';
  return model.text.slice(key.element.start + attr.valueStart, key.element.start + attr.valueEnd);
}
