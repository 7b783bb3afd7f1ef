/**
 * A port of Masterminds/semver v3.4.0 `version.go` (the library Flux 2.7 uses through
 * `fluxcd/pkg/version` v0.11.0): `NewVersion` with `CoerceNewVersion = true` (the v3.4.0 default),
 * `Compare` and the pre-release precedence rules. The npm `semver` package differs on several of
 * these points (leading zeros, pre-release comparison), hence the port.
 */
export interface SemverVersion {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Pre-release without the leading `-`; '' when absent. */
  readonly prerelease: string;
  /** Build metadata without the leading `+`; '' when absent. Ignored by comparisons. */
  readonly metadata: string;
  /** The text that was parsed, e.g. `v1.02.3+build`. */
  readonly original: string;
}

export type SemverParse =
  | { readonly ok: true; readonly version: SemverVersion }
  | { readonly ok: false; readonly message: string };

// `looseSemVerRegex` of version.go, anchored. A fixed pattern without ambiguous repetition, so a
// native RegExp runs in linear time here. Groups: 1 major, 2 .minor, 3 .patch, 5 pre, 8 metadata.
const LOOSE_VERSION =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

const UINT64_MAX = (1n << 64n) - 1n;
const DIGITS = /^[0-9]+$/;

/** Go's `strconv.ParseUint(s, 10, 64)`: ASCII digits only, at most 2^64-1. */
export const parseUint64 = (text: string): bigint | undefined => {
  if (!DIGITS.test(text)) return undefined;
  const value = BigInt(text);
  return value <= UINT64_MAX ? value : undefined;
};

const fail = (message: string): SemverParse => ({ ok: false, message });

/** version.go `validatePrerelease`: no empty identifier, no leading zero on numeric ones. */
const prereleaseProblem = (prerelease: string): string | undefined => {
  for (const part of prerelease.split('.')) {
    if (part === '') return 'invalid prerelease string';
    if (DIGITS.test(part) && part.length > 1 && part.startsWith('0')) return 'version segment starts with 0';
  }
  return undefined;
};

/**
 * Masterminds `NewVersion` in coerce mode: optional lowercase `v`, missing minor/patch read as 0,
 * leading zeros in major/minor/patch accepted (`2025.01.02` → 2025.1.2).
 */
export const parseSemver = (text: string): SemverParse => {
  const m = LOOSE_VERSION.exec(text);
  if (m === null) return fail('invalid semantic version');
  const major = parseUint64(m[1] ?? '');
  const minor = m[2] ? parseUint64(m[2].slice(1)) : 0n;
  const patch = m[3] ? parseUint64(m[3].slice(1)) : 0n;
  if (major === undefined || minor === undefined || patch === undefined) {
    return fail('error parsing version segment: value out of range');
  }
  const prerelease = m[5] ?? '';
  const problem = prerelease === '' ? undefined : prereleaseProblem(prerelease);
  if (problem !== undefined) return fail(problem);
  // The regex already restricts metadata to non-empty [0-9A-Za-z-] identifiers (validateMetadata).
  return { ok: true, version: { major, minor, patch, prerelease, metadata: m[8] ?? '', original: text } };
};

const compareBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** version.go `comparePrePart` (v3.4.0): numbers below words, shorter list below longer. */
const comparePrePart = (s: string, o: string): number => {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const sNum = parseUint64(s);
  const oNum = parseUint64(o);
  if (sNum === undefined && oNum === undefined) return s > o ? 1 : -1;
  if (oNum === undefined) return -1; // s is a number, o a word
  if (sNum === undefined) return 1; // s is a word, o a number
  return sNum > oNum ? 1 : -1;
};

/** version.go `comparePrerelease`: identifier by identifier, missing ones compare as ''. */
export const comparePrerelease = (a: string, b: string): number => {
  const aParts = a.split('.');
  const bParts = b.split('.');
  const length = Math.max(aParts.length, bParts.length);
  for (let i = 0; i < length; i++) {
    const d = comparePrePart(aParts[i] ?? '', bParts[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
};

/** Masterminds `Version.Compare`: -1, 0 or 1; a pre-release sorts below its release. */
export const compareSemver = (a: SemverVersion, b: SemverVersion): number => {
  const d = compareBig(a.major, b.major) || compareBig(a.minor, b.minor) || compareBig(a.patch, b.patch);
  if (d !== 0) return d;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
};

/** Masterminds `Version.String` (no `v`, metadata kept): used in messages. */
export const formatSemver = (v: SemverVersion): string =>
  `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}${v.metadata ? `+${v.metadata}` : ''}`;
