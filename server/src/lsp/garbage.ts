/**
 * Collects the garbage that big documents leave behind: the message that opened a 25 MB document,
 * the string a whole new text replaced, the string left behind when the pieces of an edited text
 * are joined into a new one (parser/pieceText.ts). V8 lets the heap grow by several times what is
 * alive before it collects (when every edit still made a new string, ten keystrokes in the
 * 10,000-site file took the server from 230 MB to 460 MB). So the server counts the characters of
 * the texts it has dropped and, once they pass a budget, runs a full collection at a quiet moment
 * (just after diagnostics were published and no change came for 50 ms), which takes about 40 ms
 * at that size.
 *
 * The collector is reached with V8's --expose-gc, set at run time; where that is not possible
 * (another JavaScript engine), nothing happens and V8's own heuristics apply.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** 64 M characters of dropped text (64 to 128 MB) before a collection is due. */
export const GARBAGE_BUDGET_CHARS = 64_000_000;

function exposeGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Quiet time after diagnostics before collecting; a change in between postpones it. */
export const QUIET_MS = 50;

export class GarbageCollector {
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Full collections run so far (for tests and the log). */
  collections = 0;

  constructor(
    private readonly budget = GARBAGE_BUDGET_CHARS,
    private readonly gc: (() => void) | undefined = exposeGc(),
    private readonly quietMs = QUIET_MS,
  ) {}

  /**
   * A text of `chars` characters is no longer used (an older version, a closed document). The
   * user is typing: a pending collection waits, unless two budgets have piled up meanwhile.
   */
  drop(chars: number): void {
    this.dropped += chars;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dropped >= 2 * this.budget) this.collect();
  }

  /** A quiet moment (diagnostics just went out): collects soon when the budget is spent. */
  quiet(): void {
    if (!this.gc || this.dropped < this.budget || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect();
    }, this.quietMs);
  }

  /** Collects now when the budget is spent (for a caller that knows it is idle, like bench/). */
  collectIfDue(): void {
    if (this.dropped >= this.budget) this.collect();
  }

  private collect(): void {
    if (!this.gc) return;
    this.dropped = 0;
    this.collections++;
    this.gc();
  }
}
