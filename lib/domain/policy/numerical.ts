import { parseGoFloat } from './go-parse-float.ts';
import { type ChooserCompilation, parseSortOrder } from './tag-chooser.ts';

/**
 * Flux's numerical policy (image-reflector-controller `internal/policy/numerical.go`): every
 * candidate must parse with Go's `strconv.ParseFloat(…, 64)`, and ONE that does not fails the
 * whole policy. ASC picks the largest value, DESC the smallest. The loop is kept as Flux wrote
 * it, quirks included: on equal values the later candidate wins, and NaN poisons comparisons
 * (every comparison with NaN is false, so a NaN is taken and then replaced by whatever follows).
 */
export const createNumericalChooser = (order: string | undefined): ChooserCompilation => {
  const parsed = parseSortOrder(order);
  if (typeof parsed !== 'string') return { ok: false, message: parsed.message };
  const ascending = parsed === 'ASC';
  return {
    ok: true,
    chooser: {
      choose(candidates, describe) {
        let latest: string | undefined;
        let latestValue = 0;
        for (const candidate of candidates) {
          const number = parseGoFloat(candidate);
          if (!number.ok) {
            const why = number.error === 'range' ? 'is out of float64 range' : 'is not a number';
            return {
              choice: {
                kind: 'none',
                reason: `${describe(candidate)} ${why}: numerical policy needs every candidate to be numeric`,
              },
            };
          }
          const skip =
            latest !== undefined && (ascending ? number.value < latestValue : number.value > latestValue);
          if (skip) continue;
          latest = candidate;
          latestValue = number.value;
        }
        return { choice: { kind: 'chosen', value: latest ?? '' } };
      },
    },
  };
};
