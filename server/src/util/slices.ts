/**
 * Long work in slices, the way validation runs (features/validation.ts findingSteps): the work is
 * a generator that yields whenever a few milliseconds have passed (SliceClock); the CLI and the
 * tests run it straight through (runSteps), the server one slice at a time with a turn of the
 * event loop in between (runInSlices), so requests that arrive meanwhile are answered, and a
 * cancelled request or an edited document stops it between two slices.
 */

/** Work that yields between slices and returns T at the end. */
export type Steps<T> = Generator<void, T, void>;

/** How long a slice of a request's work runs before other messages get a turn. */
export const REQUEST_SLICE_MS = 8;

/** Tells when a slice is over; the clock is read every 64 calls (an item takes microseconds). */
export class SliceClock {
  private calls = 0;
  private start = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** True once per `sliceMs` (never with Infinity: the work runs in one go). */
  due(): boolean {
    if (this.sliceMs === Infinity || (++this.calls & 63) !== 0) return false;
    const now = performance.now();
    if (now - this.start < this.sliceMs) return false;
    this.start = now;
    return true;
  }
}

/** Runs the work to its end without stopping. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Why work in slices stopped early. */
export class SliceStop extends Error {
  constructor(readonly reason: 'cancelled' | 'modified') {
    super(reason === 'cancelled' ? 'The request was cancelled.' : 'The document changed while the request was worked on.');
  }
}

/**
 * Runs the work slice by slice: `pause` between slices, then `check` (it throws a SliceStop to end
 * the work: cancelled, or the document changed).
 */
export async function runInSlices<T>(steps: Steps<T>, pause: () => Promise<void>, check: () => void): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
    check();
  }
}
