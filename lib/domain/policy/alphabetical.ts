import { compareGoStrings } from './go-string-order.ts';
import { type ChooserCompilation, parseSortOrder } from './tag-chooser.ts';

/**
 * Flux's alphabetical policy (image-reflector-controller `internal/policy/alphabetical.go`):
 * Go byte-wise string order, no locale, no natural sort. ASC picks the greatest string (the last
 * one when sorted ascending), DESC the smallest. Every candidate counts, so `latest` beats
 * `1.2.3` under ASC: a tag filter is practically required.
 */
export const createAlphabeticalChooser = (order: string | undefined): ChooserCompilation => {
  const parsed = parseSortOrder(order);
  if (typeof parsed !== 'string') return { ok: false, message: parsed.message };
  const wants = parsed === 'ASC' ? 1 : -1;
  return {
    ok: true,
    chooser: {
      choose(candidates) {
        // A linear scan for the extreme; equal strings are identical, so ties cannot matter.
        let best = candidates[0] ?? '';
        for (const value of candidates) {
          if (compareGoStrings(value, best) === wants) best = value;
        }
        return { choice: { kind: 'chosen', value: best } };
      },
    },
  };
};
