/**
 * Numbers with the nouns after them, and lists, for hovers and messages: "1 request" and
 * "2 requests", "1 process" after a Default, "a and b".
 */

/** "1 request", "2 requests" (a plural that is not the singular and an s is given). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** The units of the facts dataset that are plurals, and their singulars. */
const SINGULAR: Readonly<Record<string, string>> = {
  seconds: 'second',
  minutes: 'minute',
  milliseconds: 'millisecond',
  bytes: 'byte',
  'bytes per second': 'byte per second',
  requests: 'request',
  files: 'file',
  processes: 'process',
  failures: 'failure',
  sockets: 'socket',
  'script engines': 'script engine',
  'threads per processor': 'thread per processor',
};

/** A unit after a number: singular after 1 ("1 process", "1 minute"); "KB" and the like unchanged. */
export function unitAfter(n: number | string, unit: string): string {
  return String(n).trim() === '1' ? (SINGULAR[unit] ?? unit) : unit;
}

/** "a", "a and b", "a, b and c"; beyond `max` items "a, b, c and 2 more". */
export function listAnd(items: readonly string[], max = 3): string {
  if (items.length > max) return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
