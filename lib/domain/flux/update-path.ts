/**
 * `ImageUpdateAutomation.spec.update.path` as a clean relative path ('' = repository root).
 * Flux joins it with `securejoin`, which clamps `..` at the root; here a path that climbs out of the
 * repository is refused instead, because it can only be a mistake. A leading `/` is read as the
 * repository root, as securejoin does (`/clusters/prod` = `clusters/prod`).
 */
export type UpdatePathResult = { ok: true; value: string } | { ok: false; message: string };

export const normaliseUpdatePath = (path: string): UpdatePathResult => {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) {
        return { ok: false, message: `${JSON.stringify(path)} leaves the repository; use a path inside it` };
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return { ok: true, value: parts.join('/') };
};
