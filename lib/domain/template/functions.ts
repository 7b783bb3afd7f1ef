/**
 * The function map Flux gives commit-message templates: text/template's builtins plus Sprig's
 * `HermeticTxtFuncMap()` (image-automation-controller `internal/source/source.go` `templateMsg`).
 *
 * Every name Flux defines parses here, so a template valid for Flux is valid here. The few Sprig
 * functions not implemented (dates, random values, crypto, semver) fail when called, and
 * {@link UNSUPPORTED_FUNCTIONS} lets validation warn about them up front.
 */
import { BUILTINS } from './builtins.ts';
import type { FuncEntry } from './exec-state.ts';
import { type FuncDef, FuncError, fn } from './func-def.ts';
import { T } from './go-types.ts';
import { SPRIG_DICTS } from './sprig-dicts.ts';
import { SPRIG_LISTS } from './sprig-lists.ts';
import { SPRIG_MATH } from './sprig-math.ts';
import { SPRIG_MISC } from './sprig-misc.ts';
import { SPRIG_REGEX } from './sprig-regex.ts';
import { SPRIG_STRINGS } from './sprig-strings.ts';

/**
 * Defined by Sprig v3.3 and kept by `HermeticTxtFuncMap`, but not implemented here, with the reason.
 * (`now`, `date`, `env`, `uuidv4`, `randAlpha`… are not hermetic: Flux does not define them at all.)
 */
export const UNSUPPORTED_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ...['ago', 'randInt', 'shuffle', 'genPrivateKey', 'genCA', 'genCAWithKey', 'genSelfSignedCert'].map(
    (name) => [name, 'its result is not deterministic'] as const,
  ),
  ...[
    'genSelfSignedCertWithKey',
    'genSignedCert',
    'genSignedCertWithKey',
    'buildCustomCert',
    'bcrypt',
    'htpasswd',
    'encryptAES',
  ].map((name) => [name, 'its result is not deterministic'] as const),
  ...[
    'decryptAES',
    'derivePassword',
    'sha512sum',
    'duration',
    'durationRound',
    'toDate',
    'mustToDate',
    'unixEpoch',
    'must_date_modify',
    'mustDateModify',
    'snakecase',
    'camelcase',
    'kebabcase',
    'semver',
    'semverCompare',
    'urlParse',
    'urlJoin',
  ].map((name) => [name, 'it is not implemented by image-automation'] as const),
]);

const unsupported = (name: string, reason: string): FuncDef =>
  fn(
    [],
    () => {
      throw new FuncError(`function ${JSON.stringify(name)} is not supported: ${reason}`);
    },
    T.any,
  );

const sprig: Record<string, FuncDef> = {
  ...SPRIG_STRINGS,
  ...SPRIG_LISTS,
  ...SPRIG_DICTS,
  ...SPRIG_MATH,
  ...SPRIG_MISC,
  ...SPRIG_REGEX,
};
for (const [name, reason] of UNSUPPORTED_FUNCTIONS) sprig[name] = unsupported(name, reason);

/** Builtins first, then Sprig, which wins on a clash (its `slice` replaces the builtin, as in Flux). */
export const FLUX_FUNCTIONS: ReadonlyMap<string, FuncEntry> = new Map<string, FuncEntry>([
  ...Object.entries(BUILTINS).map(([name, def]) => [name, { def, builtin: true }] as const),
  ...Object.entries(sprig).map(([name, def]) => [name, { def, builtin: false }] as const),
]);
