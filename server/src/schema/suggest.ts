/** "Did you mean" suggestions by edit distance (optimal string alignment, case-insensitive). */

export function editDistance(a: string, b: string, limit = Infinity): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const n = s.length;
  const m = t.length;
  if (Math.abs(n - m) > limit) return limit + 1;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = s.charCodeAt(i - 1) === t.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && s.charCodeAt(i - 1) === t.charCodeAt(j - 2) && s.charCodeAt(i - 2) === t.charCodeAt(j - 1)) {
        v = Math.min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/**
 * The closest candidates to `name`, best first. An exact case-insensitive match always wins;
 * otherwise candidates within a distance that grows with the name's length.
 */
export function suggest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.min(4, Math.floor(name.length / 3)));
  const scored: Array<{ c: string; d: number }> = [];
  const all = [...candidates];
  // A name that differs only in case is certainly what was meant.
  const sameLetters = all.find((c) => c !== name && c.toLowerCase() === lower);
  if (sameLetters) return [sameLetters];
  for (const c of all) {
    if (c === name) continue;
    const d = editDistance(name, c, limit);
    if (d <= limit) scored.push({ c, d });
    else if (name.length >= 4 && c.toLowerCase().startsWith(lower)) scored.push({ c, d: limit });
  }
  scored.sort((x, y) => x.d - y.d || x.c.length - y.c.length || x.c.localeCompare(y.c));
  return scored.slice(0, max).map((s) => s.c);
}
