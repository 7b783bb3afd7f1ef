/**
 * Go's `Regexp.Expand` template rules (Go `regexp/regexp.go`, `expand` and `extract`), used by
 * Flux to turn a matched tag into the value a policy compares (`filterTags.extract`):
 *
 * - `$$` is a literal `$`;
 * - `$name` takes the LONGEST run of letters, digits and `_`, so `$1x` names group `1x`;
 * - `${name}` delimits the name explicitly (`${1}x`);
 * - a name made only of ASCII digits (no leading zero, below 1e8) is a group number;
 * - unknown or non-participating groups expand to nothing;
 * - a `$` not followed by a valid name (`$`, `$-`, `${`, `${x`) is copied literally.
 */

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}_]$/u;

interface TemplateReference {
  readonly name: string;
  /** Group number, or -1 when the reference is by name. */
  readonly num: number;
  /** Template text after the reference. */
  readonly rest: string;
}

const MAX_GROUP_NUMBER = 1e8;

const groupNumber = (name: string): number => {
  if (name.length > 1 && name.startsWith('0')) return -1;
  let num = 0;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x30 || code > 0x39 || num >= MAX_GROUP_NUMBER) return -1;
    num = num * 10 + (code - 0x30);
  }
  return num;
};

/** Parses the reference after a `$` (Go's `extract`); undefined when malformed. */
const parseReference = (text: string): TemplateReference | undefined => {
  if (text === '') return undefined;
  const brace = text.startsWith('{');
  const body = brace ? text.slice(1) : text;
  let end = 0;
  for (const char of body) {
    if (!LETTER_OR_DIGIT.test(char)) break;
    end += char.length;
  }
  if (end === 0) return undefined;
  const name = body.slice(0, end);
  if (brace) {
    if (body[end] !== '}') return undefined;
    end += 1;
  }
  return { name, num: groupNumber(name), rest: body.slice(end) };
};

/**
 * Expands `template` against one match: `groups[0]` is the whole match, `groups[i]` group i
 * (undefined when it did not participate); `groupIndexByName` resolves `$name`.
 */
export const expandGoTemplate = (
  template: string,
  groups: readonly (string | undefined)[],
  groupIndexByName: ReadonlyMap<string, number>,
): string => {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const reference = parseReference(rest);
    if (reference === undefined) {
      out += '$';
      continue;
    }
    rest = reference.rest;
    const index = reference.num >= 0 ? reference.num : groupIndexByName.get(reference.name);
    if (index !== undefined) out += groups[index] ?? '';
  }
  return out + rest;
};
