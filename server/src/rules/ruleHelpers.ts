/** Small helpers shared by the IIS rules. */
export { effectiveBool, effectiveNumber, rawValue } from '../model/metabaseModel';
import type { EffectiveValue, MetabaseKey, MetabaseModel } from '../model/metabaseModel';
import type { XmlAttribute } from '../parser/xmlTypes';
import type { Finding, RuleContext } from './ruleTypes';

/** The key of the pool container /LM/W3SVC/AppPools, and every pool under it. */
export function poolKeys(model: MetabaseModel): MetabaseKey[] {
  return [...model.pools().values()];
}


/**
 * Reports a finding about an effective value on the attribute that sets it (once per attribute,
 * however many pools or applications inherit it), or on `fallback` when nothing sets it.
 */
export class OncePerAttribute {
  /** Attribute objects are built per lookup, so attributes are told apart by key and name. */
  private readonly seen = new Set<string>();

  constructor(private readonly ctx: RuleContext) {}

  report(eff: EffectiveValue, fallback: MetabaseKey, message: string, extra?: Partial<Omit<Finding, 'rule'>>): void {
    if (eff.from && eff.attr) {
      const id = `${eff.from.index}:${eff.attr.name}`;
      if (this.seen.has(id)) return;
      this.seen.add(id);
      this.ctx.reportAttr(eff.from, eff.attr, message, extra);
      return;
    }
    const id = `${fallback.index}:`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.ctx.reportKey(fallback, message, extra);
  }
}

/** "a", "a and b", "a, b and c", "a, b, c and 3 more" */
export { listAnd as listSome } from '../util/words';

/** A value from the file, quoted for a message and cut when long (the explanation must stay in sight). */
export function quoted(value: string, max = 40): string {
  const v = value.replace(/\s+/g, ' ');
  return `"${v.length > max ? `${v.slice(0, max - 1)}…` : v}"`;
}

/** The file name of a path: "aspnet_isapi.dll" of c:\windows\…\aspnet_isapi.dll. */
export function fileName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/')) + 1);
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
