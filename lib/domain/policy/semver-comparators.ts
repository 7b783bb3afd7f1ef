import { comparePrerelease, compareSemver, type SemverVersion } from './semver-version.ts';

/**
 * The comparison functions of Masterminds/semver v3.4.0 `constraints.go` (`constraintNotEqual`,
 * `constraintGreaterThan`, …), one per operator. v3.4.0 decides pre-release admission per AND
 * group: `includePrerelease` is true when ANY comparator of the group names a pre-release
 * (`>=1.0.0-0 <2.0.0` admits 2.0.0-rc.1), and every operator, `!=` included, rejects a
 * pre-release version otherwise. Flux 2.6 (v3.3.0) decided per comparator.
 */

export type ConstraintOperator = '' | '=' | '!=' | '>' | '<' | '>=' | '=>' | '<=' | '=<' | '~' | '~>' | '^';

export interface Comparator {
  readonly operator: ConstraintOperator;
  /** The version text as written, e.g. `1.2.x` in `~1.2.x`. */
  readonly original: string;
  /** The version compared against, wildcards and missing parts replaced by 0. */
  readonly version: SemverVersion;
  /** Some part was a wildcard or missing (`1.x`, `1.2`, `*`). */
  readonly dirty: boolean;
  /** The minor part was a wildcard or missing (`1`, `1.x`). */
  readonly minorDirty: boolean;
  /** The patch part (only) was a wildcard or missing (`1.2`, `1.2.x`). */
  readonly patchDirty: boolean;
}

type Check = (v: SemverVersion, c: Comparator) => boolean;

const notEqual: Check = (v, c) => {
  const con = c.version;
  if (c.dirty) {
    if (con.major !== v.major) return true;
    if (con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) {
      if (v.prerelease !== '' || con.prerelease !== '') {
        return comparePrerelease(v.prerelease, con.prerelease) !== 0;
      }
      return false;
    }
  }
  return compareSemver(v, c.version) !== 0;
};

const greaterThan: Check = (v, c) => {
  const con = c.version;
  if (!c.dirty) return compareSemver(v, con) === 1;
  if (v.major > con.major) return true;
  if (v.major < con.major) return false;
  // `>11` needs 12 or higher; `>11.1` needs 11.2 or higher.
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > con.minor;
  return compareSemver(v, con) === 1;
};

const lessThan: Check = (v, c) => compareSemver(v, c.version) < 0;

const greaterThanOrEqual: Check = (v, c) => compareSemver(v, c.version) >= 0;

const lessThanOrEqual: Check = (v, c) => {
  const con = c.version;
  if (!c.dirty) return compareSemver(v, con) <= 0;
  if (v.major > con.major) return false;
  return !(v.major === con.major && v.minor > con.minor && !c.minorDirty);
};

// ~1.2.3 → >=1.2.3 <1.3.0; ~1.2 → >=1.2.0 <1.3.0; ~1 → >=1.0.0 <2.0.0; ~0.0.0 and ~* → any.
const tilde: Check = (v, c) => {
  const con = c.version;
  if (compareSemver(v, con) < 0) return false;
  if (con.major === 0n && con.minor === 0n && con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== con.major) return false;
  return !(v.minor !== con.minor && !c.minorDirty);
};

// Plain and `=`: exact equality, or tilde semantics when a part is a wildcard (`1.2.x`, `1.2`).
const tildeOrEqual: Check = (v, c) => (c.dirty ? tilde(v, c) : compareSemver(v, c.version) === 0);

// ^1.2.3 → <2.0.0; ^0.2.3 → <0.3.0; ^0.0.3 → =0.0.3; ^0.0 → <0.1.0; ^0 → <1.0.0.
const caret: Check = (v, c) => {
  const con = c.version;
  if (compareSemver(v, con) < 0) return false;
  if (con.major > 0n || c.minorDirty) return v.major === con.major;
  if (v.major > 0n) return false;
  if (con.minor > 0n || c.patchDirty) return v.minor === con.minor;
  if (v.minor > 0n) return false;
  return con.patch === v.patch;
};

const CHECKS: Readonly<Record<ConstraintOperator, Check>> = {
  '': tildeOrEqual,
  '=': tildeOrEqual,
  '!=': notEqual,
  '>': greaterThan,
  '<': lessThan,
  '>=': greaterThanOrEqual,
  '=>': greaterThanOrEqual,
  '<=': lessThanOrEqual,
  '=<': lessThanOrEqual,
  '~': tilde,
  '~>': tilde,
  '^': caret,
};

/** Masterminds `constraint.check(v, includePre)`. */
export const comparatorAdmits = (v: SemverVersion, c: Comparator, includePrerelease: boolean): boolean => {
  // Every v3.4.0 operator starts with this: a pre-release passes only when its group asked for them.
  if (v.prerelease !== '' && !includePrerelease) return false;
  return CHECKS[c.operator](v, c);
};
