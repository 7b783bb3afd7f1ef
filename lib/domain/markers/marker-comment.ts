/**
 * Reads a YAML comment the way kyaml's `fieldmeta.Read` + `processShortHand` do once Flux has set
 * the short-hand key to `$imagepolicy` (flux-semantics §4.2):
 *
 * - every leading `#` is stripped (`strings.TrimLeft(c, "#")`), nothing else;
 * - the rest, surrounding JSON whitespace allowed, must decode into Go's `map[string]string`:
 *   a JSON object whose values are strings. Go leaves a `null` value as the empty string instead
 *   of failing, so `null` is tolerated the same way; numbers, booleans, arrays, objects, single
 *   quotes or trailing text (`# {…} bump please`) make it "not a marker";
 * - `$imagepolicy` (exact key, last one wins on duplicates, as in both Go and JS) must be non-empty.
 *
 * @returns the setter name (e.g. `apps:web:tag`), or undefined when the comment is not a marker.
 */
export const parseMarkerComment = (comment: string): string | undefined => {
  const body = comment.replace(/^#+/, '');
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return undefined;
  let setter = '';
  for (const [key, value] of Object.entries(decoded)) {
    if (value !== null && typeof value !== 'string') return undefined;
    if (key === SHORT_HAND_KEY) setter = value ?? '';
  }
  return setter === '' ? undefined : setter;
};

/** The key Flux registers with `fieldmeta.SetShortHandRef` (IAC `internal/constants`). */
export const SHORT_HAND_KEY = '$imagepolicy';
