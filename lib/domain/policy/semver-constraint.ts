import { RE2JS } from 're2js';
import { type Comparator, type ConstraintOperator, comparatorAdmits } from './semver-comparators.ts';
import { parseSemver, type SemverVersion } from './semver-version.ts';

/**
 * A port of Masterminds/semver v3.4.0 `constraints.go` (`NewConstraint`, `parseConstraint`,
 * `rewriteRange`, `Constraints.Check`): `||` separates OR groups; inside a group comparators are
 * separated by spaces or commas; `A - B` (spaces required) means `>= A, <= B`; `x`, `X`, `*` and
 * missing parts are wildcards; a `v` prefix is allowed.
 *
 * The library's own regular expressions are kept verbatim and run through re2js, which gives
 * Go's semantics exactly (leftmost-first alternation with its empty operator alternative, `\s`
 * as [\t\n\f\r ]) and linear time on whatever range a user writes.
 */
export interface SemverConstraints {
  readonly range: string;
  /** OR groups of AND-ed comparators. */
  readonly groups: readonly (readonly Comparator[])[];
  /** Per group: some comparator names a pre-release, so the group admits pre-releases (v3.4.0). */
  readonly groupAdmitsPrerelease: readonly boolean[];
}

export type ConstraintParse =
  | { readonly ok: true; readonly constraints: SemverConstraints }
  | { readonly ok: false; readonly message: string };

// Note the character classes include '|' and the operator list an empty alternative: both are
// in the original and shape which strings are accepted.
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;

const constraintRegex = RE2JS.compile(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const constraintRangeRegex = RE2JS.compile(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`);
const findConstraintRegex = RE2JS.compile(String.raw`(${OPS})\s*(${CV})`);
const validConstraintRegex = RE2JS.compile(
  String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`,
);

/** Go's `FindAllStringSubmatch(s, -1)` (these patterns never match the empty string). */
const findAll = (regex: RE2JS, text: string): string[][] => {
  const matcher = regex.matcher(text);
  const matches: string[][] = [];
  while (matcher.find()) {
    const groups: string[] = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? '');
    matches.push(groups);
  }
  return matches;
};

/** `rewriteRange`: each `A - B` becomes `>= A, <= B ` (first occurrence of the matched text). */
const rewriteRange = (text: string): string => {
  let out = text;
  for (const m of findAll(constraintRangeRegex, text)) {
    const whole = m[0] ?? '';
    const at = out.indexOf(whole);
    if (at >= 0) out = `${out.slice(0, at)}>= ${m[1]}, <= ${m[11]} ${out.slice(at + whole.length)}`;
  }
  return out;
};

const isWildcard = (part: string): boolean => part === 'x' || part === 'X' || part === '*';

type ComparatorParse =
  | { readonly ok: true; readonly comparator: Comparator }
  | { readonly ok: false; readonly message: string };

/** `parseConstraint`: one operator and version; wildcards become zeros plus dirty flags. */
const parseComparator = (text: string): ComparatorParse => {
  const m = findAll(constraintRegex, text)[0];
  if (m === undefined) return { ok: false, message: `improper constraint: ${text}` };
  const [, operator = '', original = '', major = '', minor = '', patch = '', prerelease = ''] = m;
  let source = original;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isWildcard(major) || major === '') {
    source = `0.0.0${prerelease}`;
    dirty = true;
  } else if (isWildcard(minor.replace(/^\./, '')) || minor === '') {
    source = `${major}.0.0${prerelease}`;
    dirty = true;
    minorDirty = true;
  } else if (isWildcard(patch.replace(/^\./, '')) || patch === '') {
    source = `${major}${minor}.0${prerelease}`;
    dirty = true;
    patchDirty = true;
  }
  const parsed = parseSemver(source);
  // Reached with `1x`, `x1`, `1|2`: the syntax check lets them through, the version parse does not.
  if (!parsed.ok) return { ok: false, message: 'constraint parser error' };
  return {
    ok: true,
    comparator: {
      operator: operator as ConstraintOperator,
      original,
      version: parsed.version,
      dirty,
      minorDirty,
      patchDirty,
    },
  };
};

/** Masterminds `NewConstraint`, with its error texts (`improper constraint: …`). */
export const parseConstraints = (range: string): ConstraintParse => {
  const groups: Comparator[][] = [];
  const groupAdmitsPrerelease: boolean[] = [];
  for (const group of rewriteRange(range).split('||')) {
    if (!validConstraintRegex.test(group)) return { ok: false, message: `improper constraint: ${group}` };
    const texts = findAll(findConstraintRegex, group).map((m) => m[0] ?? '');
    const comparators: Comparator[] = [];
    for (const text of texts.length > 0 ? texts : [group]) {
      const parsed = parseComparator(text);
      if (!parsed.ok) return parsed;
      comparators.push(parsed.comparator);
    }
    groups.push(comparators);
    groupAdmitsPrerelease.push(comparators.some((c) => c.version.prerelease !== ''));
  }
  return { ok: true, constraints: { range, groups, groupAdmitsPrerelease } };
};

/** `Constraints.Check`: some OR group whose comparators all admit `v`. */
export const constraintsAdmit = (constraints: SemverConstraints, v: SemverVersion): boolean =>
  constraints.groups.some((group, i) =>
    group.every((c) => comparatorAdmits(v, c, constraints.groupAdmitsPrerelease[i] === true)),
  );
