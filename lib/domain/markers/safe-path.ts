import { InvalidConfigError } from '../errors.ts';

/**
 * Normalises a user-supplied path inside a tree (`spec.update.path`, a CLI argument) to the tree's
 * own form: relative to the root, forward slashes, no `.` segments, no leading `./` or trailing `/`;
 * `''` means the root itself.
 *
 * Flux joins `update.path` with securejoin, which silently clamps `..` at the root. We refuse
 * instead: a path that is absolute or climbs above the root is a configuration mistake worth
 * reporting, not something to reinterpret. `a/../b` stays allowed because it never leaves the root.
 */
export const safeRelativePath = (input: string): string => {
  if (input.includes('\u0000')) throw unsafe(input, 'contains a NUL character');
  if (input.startsWith('/')) throw unsafe(input, 'is absolute; give a path relative to the repository root');
  const segments: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw unsafe(input, 'leaves the repository root');
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return segments.join('/');
};

const unsafe = (input: string, reason: string): InvalidConfigError =>
  new InvalidConfigError(`path "${input}" ${reason}`, { data: { path: input } });
