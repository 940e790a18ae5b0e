/**
 * Locates the workplace's shared research folder (facts, real-world files, MBSchema.xml), which is
 * not part of this repository: $IIS6_SHARED_DIR, then ../shared next to the checkout, then
 * /work/shared. Returns undefined when none exists.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function findSharedDir(): string | undefined {
  const candidates = [
    process.env.IIS6_SHARED_DIR,
    path.resolve(__dirname, '..', '..', 'shared'),
    '/work/shared',
  ];
  return candidates.find((c): c is string => !!c && existsSync(path.join(c, 'facts', 'properties.json')));
}
