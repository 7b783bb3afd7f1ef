import type { DecodeContext } from './decode-context.ts';
import { fieldPath } from './decode-context.ts';
import type { JsonObject } from './fields.ts';

/**
 * Warns about keys the API type does not have (a typo such as `exclusionlist` would otherwise be
 * dropped silently, as the API server does with its default `fieldValidation=Warn`).
 */
export const checkFields = (
  ctx: DecodeContext,
  value: JsonObject,
  path: string,
  known: readonly string[],
): void => {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    const hint = suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : '';
    ctx.warn(fieldPath(path, key), `unknown field, ignored${hint}`);
  }
};

const closest = (key: string, known: readonly string[]): string | undefined => {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
};

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};
