/**
 * Which files the marker rewriter looks at, as Flux's `ScreeningLocalReader` decides
 * (IAC `internal/update/filereader.go`, flux-semantics §4.3).
 */

/** The screening token: the marker key *with* its double quotes, searched in the raw bytes. */
export const MARKER_TOKEN = '"$imagepolicy"';

const TOKEN_BYTES = new TextEncoder().encode(MARKER_TOKEN);
/** The token's first byte, `"`. */
const QUOTE = 0x22;

/**
 * `.yaml` / `.yml` by Go's `filepath.Ext` (case-sensitive, so a file named just `.yaml` counts),
 * or a base name of exactly `Kustomization` (Flux ≥ 2.6). Everything else (`.json`, `.tpl`,
 * `Dockerfile`) is never touched.
 */
export const isCandidatePath = (path: string): boolean => {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'Kustomization' || base.endsWith('.yaml') || base.endsWith('.yml');
};

/** Byte search for {@link MARKER_TOKEN}, so files without it are skipped before any decoding or parsing. */
export const containsMarkerToken = (bytes: Uint8Array): boolean => {
  const last = bytes.length - TOKEN_BYTES.length;
  for (let at = bytes.indexOf(QUOTE); at !== -1 && at <= last; at = bytes.indexOf(QUOTE, at + 1)) {
    let i = 1;
    while (i < TOKEN_BYTES.length && bytes[at + i] === TOKEN_BYTES[i]) i++;
    if (i === TOKEN_BYTES.length) return true;
  }
  return false;
};
