/**
 * Go string ordering: Go compares strings byte by byte over their UTF-8 encoding, which is the
 * same as comparing Unicode code points. JavaScript's `<` compares UTF-16 code units instead; the
 * two disagree only when a character above U+FFFF (a surrogate pair) meets a character in
 * U+E000–U+FFFF. OCI tags are ASCII, but the policy must not depend on that.
 */

const SURROGATE_START = 0xd800;
const PRIVATE_USE_START = 0xe000;

/** Maps a UTF-16 code unit so that unit order equals code point order (surrogates sort last). */
const codePointRank = (unit: number): number => {
  if (unit < SURROGATE_START) return unit;
  return unit >= PRIVATE_USE_START ? unit - 0x800 : unit + 0x2000;
};

/** -1, 0 or 1 as Go's `strings.Compare(a, b)`. */
export const compareGoStrings = (a: string, b: string): number => {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const ua = a.charCodeAt(i);
    const ub = b.charCodeAt(i);
    if (ua !== ub) return codePointRank(ua) < codePointRank(ub) ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
};

/**
 * The tag store's order in Flux 2.7 (image-reflector-controller `imagerepository_controller.go`):
 * descending byte-wise, so `latest` and `v…` tags come before digits and `101` before `15`.
 * Returns a new array; equal tags keep their relative order.
 */
export const sortTagsDescending = (tags: readonly string[]): string[] =>
  [...tags].sort((a, b) => compareGoStrings(b, a));
