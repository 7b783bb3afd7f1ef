import { RE2JS, RE2JSException } from 're2js';

/**
 * Go `regexp` semantics for user-supplied patterns (filterTags, exclusionList), through re2js,
 * a port of Go's RE2 engine: same syntax (`(?P<name>…)`, no look-around, no back-references),
 * same leftmost-first submatches, same error texts (`error parsing regexp: …`), and matching in
 * time linear in the tag length whatever the pattern, so a hostile pattern cannot stall a run.
 * Flux compiles these with `regexp.Compile` (Perl flags, unanchored); re2js's default flags are
 * the same Perl flag set. Lookbehinds stay disabled (RE2JS.LOOKBEHINDS is not passed).
 */
export interface GoRegexp {
  readonly pattern: string;
  /** Go's `MatchString`: the pattern matches somewhere in `text`. */
  test(text: string): boolean;
  /**
   * Go's `FindStringSubmatch`: the leftmost match and its groups (index 0 = whole match),
   * `undefined` for groups that did not take part; `null` when there is no match.
   */
  findSubmatch(text: string): readonly (string | undefined)[] | null;
  /** Group index by name (`(?P<name>…)` or `(?<name>…)`). */
  readonly groupIndexByName: ReadonlyMap<string, number>;
}

export type GoRegexpCompilation =
  | { readonly ok: true; readonly regexp: GoRegexp }
  | { readonly ok: false; readonly message: string };

/** Message wording kept from Flux (`internal/policy/filter.go`), with Go's parser error after it. */
export const invalidPatternMessage = (pattern: string, reason: string): string =>
  `invalid regular expression pattern ${JSON.stringify(pattern)}: ${reason}`;

const wrap = (pattern: string, compiled: RE2JS): GoRegexp => {
  const groupCount = compiled.groupCount();
  const groupIndexByName = new Map(Object.entries(compiled.namedGroups()));
  return {
    pattern,
    groupIndexByName,
    test: (text) => compiled.test(text),
    findSubmatch: (text) => {
      const matcher = compiled.matcher(text);
      if (!matcher.find()) return null;
      const groups: (string | undefined)[] = [];
      for (let i = 0; i <= groupCount; i++) groups.push(matcher.group(i) ?? undefined);
      return groups;
    },
  };
};

/** Compiles `pattern` as Go's `regexp.Compile` would; invalid syntax is a value, not a throw. */
export const compileGoRegexp = (pattern: string): GoRegexpCompilation => {
  try {
    return { ok: true, regexp: wrap(pattern, RE2JS.compile(pattern)) };
  } catch (error) {
    // Only re2js's own errors mean "bad pattern"; anything else is a bug and propagates.
    if (error instanceof RE2JSException) {
      return { ok: false, message: invalidPatternMessage(pattern, error.message) };
    }
    throw error;
  }
};
