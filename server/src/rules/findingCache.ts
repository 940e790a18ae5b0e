/**
 * What validation keeps of one version for the next (features/validation.ts fills and reads it):
 * the key rules' findings per key and the findings of the document rules that declare what they
 * read (Rule.reads). A MetabaseDocument carries its cache from version to version and tells it of
 * each edit (noteEdit); the validation context and the schema it is valid for are part of it.
 */
import { positionByIndex, type MetabaseKey, type MetabaseModel, type ModelChange } from '../model/metabaseModel';
import type { SchemaCatalog } from '../schema/catalog';
import { ruleById } from './registry';
import type { Finding } from './ruleTypes';

/** A key rule's finding with offsets relative to the key's element. */
export type CachedFinding = Omit<Finding, 'key'>;

/** The findings of a key without any, shared (never pushed to: a key's first finding makes its own list). */
export const NO_FINDINGS: CachedFinding[] = [];

/** One edit of the text, as MetabaseDocument.update applied it (offsets of the text before it). */
export interface DocumentEdit {
  start: number;
  end: number;
  /** Length of the text put in place of [start, end). */
  inserted: number;
  /** The edit added or removed a line break (line numbers after it moved). */
  lineBreaks: boolean;
  /** What the model made of it; null when there was no model to update. */
  change: ModelChange | null;
}

/**
 * Findings of the key rules, per key, and of the document rules that declare what they read,
 * valid for one validation context and one schema. Key-rule findings are kept on the keys
 * themselves (a map of 46,000 keys costs more than the lookups it saves); a key that leaves the
 * document takes its findings with it.
 */
export class ValidationCache {
  /** Findings of document rules by rule id (absolute offsets), and whether the rule asked for line numbers. */
  private readonly documentFindings = new Map<string, { findings: Finding[]; usedLines: boolean }>();
  /**
   * A validation went through every key of the model with this cache, and since then keys only
   * came or went by edits it was told of (noteEdit): the next one checks the keys that came and
   * collects the findings of the keys that have some, instead of visiting all 46,000.
   */
  private complete = false;
  /** Keys that came by edits since the last validation. */
  private readonly pending = new Set<MetabaseKey>();
  /** Keys whose stored findings are not empty. */
  private readonly flagged = new Set<MetabaseKey>();

  constructor(
    readonly context: string,
    readonly catalog: SchemaCatalog,
  ) {}

  documentRule(id: string): readonly Finding[] | undefined {
    return this.documentFindings.get(id)?.findings;
  }

  storeDocumentRule(id: string, findings: Finding[], usedLines: boolean): void {
    this.documentFindings.set(id, { findings, usedLines });
  }

  /**
   * Carries the document rules' findings over an edit: dropped when the edit may change them
   * (see Rule.reads), otherwise moved by the change in length and pointed at the keys that
   * replaced the edited ones.
   */
  noteEdit(edit: DocumentEdit): void {
    if (!edit.change) this.complete = false;
    else {
      for (const g of edit.change.gone) {
        if (this.flagged.delete(g)) this.unflagged.push(g);
        this.pending.delete(g);
      }
      for (const f of edit.change.fresh) this.pending.add(f);
      if (edit.change.structural) this.moved = true;
    }
    if (this.documentFindings.size === 0) return;
    const changed = edit.change?.changed;
    // A key that only moved as a leaf (ModelChange.leafMove) is seen by no rule that reads
    // properties; the rules that read none (paths, the key tree) run again.
    const leaf = edit.change?.leafMove === true;
    if (!edit.change || (!changed && !leaf) || changed?.has('Location')) {
      this.documentFindings.clear();
      return;
    }
    const { gone, fresh } = edit.change;
    const swap = new Map(gone.map((g, i) => [g, fresh[i]]));
    const delta = edit.inserted - (edit.end - edit.start);
    // -1: the offset is in or at the edges of the edited text, where moving it is a guess.
    const move = (o: number): number => (o < edit.start ? o : o > edit.end ? o + delta : -1);
    const affected = leaf ? (reads: readonly string[]): boolean => reads.length === 0 : (reads: readonly string[]): boolean => reads.some((name) => changed!.has(name));
    for (const [id, entry] of this.documentFindings) {
      const reads = ruleById.get(id)?.reads;
      if (!reads || affected(reads) || (entry.usedLines && edit.lineBreaks) || (leaf && entry.findings.some((f) => f.key === gone[0]))) {
        this.documentFindings.delete(id);
        continue;
      }
      // Checked first, then moved in place (the findings are this cache's own objects: results
      // get diagnostics made from them), so an edit allocates nothing per finding.
      let touched = false;
      for (const f of entry.findings) {
        if (move(f.start) < 0 || move(f.end) < 0) {
          touched = true;
          break;
        }
      }
      if (touched) {
        this.documentFindings.delete(id);
        continue;
      }
      for (const f of entry.findings) {
        f.start = move(f.start);
        f.end = move(f.end);
        if (f.key && swap.size > 0) f.key = swap.get(f.key) ?? f.key;
      }
    }
  }

  /** A key's findings, if this cache stored them. */
  of(key: MetabaseKey): CachedFinding[] | undefined {
    const slot = this.slotOf(key);
    return slot instanceof KeyFindings && slot.cache === this ? slot.list : undefined;
  }

  /** Where a key's findings are kept: on the key itself. */
  protected slotOf(key: MetabaseKey): object | undefined {
    return key.findings;
  }

  protected setSlot(key: MetabaseKey, slot: object): void {
    key.findings = slot;
  }

  /** The slot of every key without findings (most keys): one object, not one per key. */
  private readonly emptySlot = new KeyFindings(this, NO_FINDINGS);

  store(key: MetabaseKey, list: CachedFinding[]): void {
    this.setSlot(key, list.length === 0 ? this.emptySlot : new KeyFindings(this, list));
    if (list.length > 0) this.flagged.add(key);
    else this.flagged.delete(key);
  }

  /** The keys to check, when a walk over all keys is not needed (then keyedAfter lists the keys with findings). */
  shortcut(model: MetabaseModel): MetabaseKey[] | undefined {
    if (!this.complete) return undefined;
    // (A key that came and went again is no longer in the model.)
    const check = [...this.pending].filter((k) => model.keys[k.index] === k);
    this.pending.clear();
    return check;
  }

  /**
   * The keys with findings in document order, after `checked` (the keys of shortcut) were
   * checked: the list of the last validation without the keys that left, merged with the checked
   * keys that have findings. (Sorting the 7,000 keys with findings of the 10,000-site file on
   * every keystroke cost 1-2 ms.)
   */
  keyedAfter(model: MetabaseModel, checked: readonly MetabaseKey[]): MetabaseKey[] {
    const added = checked.filter((k) => this.flagged.has(k)).sort((a, b) => a.index - b.index);
    const lengthOf = (k: MetabaseKey): number => this.of(k)?.length ?? 0;
    for (const k of this.unflagged) this.keyedTotal -= lengthOf(k);
    for (const k of added) this.keyedTotal += lengthOf(k);
    if (!this.moved) {
      // Keys were only replaced (no key came, went or moved): every key kept its index, so the
      // ones that left are found by binary search and the new ones go in the same way.
      const keyed = this.keyed;
      for (const k of this.unflagged) {
        const at = positionByIndex(keyed, k.index);
        if (keyed[at] === k) keyed.splice(at, 1);
      }
      for (const k of added) keyed.splice(positionByIndex(keyed, k.index), 0, k);
    } else {
      const kept = this.keyed.filter((k) => model.keys[k.index] === k);
      let out = kept;
      if (added.length > 0) {
        out = [];
        let i = 0;
        for (const k of added) {
          while (i < kept.length && kept[i].index < k.index) out.push(kept[i++]);
          out.push(k);
        }
        while (i < kept.length) out.push(kept[i++]);
      }
      this.keyed = out;
    }
    this.unflagged = [];
    this.moved = false;
    return this.keyed;
  }

  /** A walk over all keys starts (false) or ended (true, with the keys that have findings in document order). */
  setComplete(complete: boolean, keyed: MetabaseKey[] = []): void {
    this.complete = complete;
    this.pending.clear();
    this.keyed = keyed;
    this.unflagged = [];
    this.moved = false;
    this.keyedTotal = 0;
    for (const k of keyed) this.keyedTotal += this.of(k)?.length ?? 0;
    if (!complete) this.flagged.clear();
  }

  /** The keys with findings, in document order, as of the last validation. */
  private keyed: MetabaseKey[] = [];
  /** How many findings the keys of `keyed` have together. */
  keyedTotal = 0;
  /** Keys with findings that left since the last validation. */
  private unflagged: MetabaseKey[] = [];
  /** Keys came, went or moved since the last validation (indices changed). */
  private moved = false;
}

/**
 * A cache for one validation that must leave the document's own alone (a validation of some rules
 * only, for the diff): it keeps the keys' findings in a map of its own, not on the keys.
 */
export class DetachedValidationCache extends ValidationCache {
  private readonly slots = new Map<MetabaseKey, object>();

  protected override slotOf(key: MetabaseKey): object | undefined {
    return this.slots.get(key);
  }

  protected override setSlot(key: MetabaseKey, slot: object): void {
    this.slots.set(key, slot);
  }
}

/** What a key holds in its `findings` slot: the findings one cache stored there. */
class KeyFindings {
  constructor(
    readonly cache: ValidationCache,
    readonly list: CachedFinding[],
  ) {}
}
