/**
 * Flux 2.7's `ImageRepository.status.lastScanResult.revision`: the decimal Adler-32 checksum of the
 * stored tag list encoded as compact JSON by Go's `encoding/json`
 * (image-reflector-controller `internal/database/badger.go`, `SetTags`). Reproducing the exact
 * value keeps "did the tag set change" comparable with a Flux cluster scanning the same registry.
 */

const ADLER_MODULUS = 65521;

/** Adler-32 (RFC 1950) of a byte sequence, as an unsigned 32-bit integer. */
export const adler32 = (bytes: Uint8Array): number => {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % ADLER_MODULUS;
    b = (b + a) % ADLER_MODULUS;
  }
  return ((b << 16) | a) >>> 0;
};

// Go's encoder writes these in short form (\b and \f since Go 1.22); other control characters
// become \u00xx.
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

// Go escapes HTML-significant characters and the JavaScript line terminators too.
const ALSO_ESCAPED = new Set(['<', '>', '&', '\u2028', '\u2029']);

const escapeGoJsonChar = (char: string): string => {
  const short = SHORT_ESCAPES[char];
  if (short !== undefined) return short;
  const code = char.charCodeAt(0);
  return code < 0x20 || ALSO_ESCAPED.has(char) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
};

/** A string literal exactly as Go's `json.Marshal` writes it (for valid UTF-16 input). */
export const goJsonString = (value: string): string => {
  let out = '"';
  for (const char of value) out += escapeGoJsonChar(char);
  return `${out}"`;
};

/** Flux's revision of a tag list: Adler-32 of `json.Marshal(tags)`, in decimal. */
export const tagsRevision = (sortedTags: readonly string[]): string => {
  const json = `[${sortedTags.map(goJsonString).join(',')}]`;
  return String(adler32(new TextEncoder().encode(json)));
};
