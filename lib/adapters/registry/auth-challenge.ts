/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1): one header may carry several challenges, each a scheme
 * followed by comma-separated `name=value` pairs or a token68; values may be quoted strings that contain
 * commas and escaped quotes, e.g. `Bearer realm="https://auth/token",scope="repository:a/b:pull,push"`.
 * Registries announce their token service this way:
 * https://distribution.github.io/distribution/spec/auth/token/
 */
export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, … */
  readonly scheme: string;
  /** Parameters with lower-cased names. */
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;

interface Cursor {
  readonly text: string;
  pos: number;
}

const peek = (c: Cursor): string => c.text[c.pos] ?? '';

const skipSpaces = (c: Cursor): void => {
  while (peek(c) === ' ' || peek(c) === '\t') c.pos++;
};

const skipSeparators = (c: Cursor): void => {
  while (peek(c) === ' ' || peek(c) === '\t' || peek(c) === ',') c.pos++;
};

const readToken = (c: Cursor): string => {
  const start = c.pos;
  while (c.pos < c.text.length && TOKEN_CHAR.test(peek(c))) c.pos++;
  return c.text.slice(start, c.pos);
};

const readQuoted = (c: Cursor): string => {
  c.pos++; // opening quote
  let value = '';
  while (c.pos < c.text.length && peek(c) !== '"') {
    if (peek(c) === '\\' && c.pos + 1 < c.text.length) c.pos++;
    value += peek(c);
    c.pos++;
  }
  c.pos++; // closing quote (or end of a truncated header)
  return value;
};

// Some servers send unquoted URLs (`realm=https://host/token`): take everything up to the next separator.
const readBareValue = (c: Cursor): string => {
  const start = c.pos;
  while (c.pos < c.text.length && !/[,\s]/.test(peek(c))) c.pos++;
  return c.text.slice(start, c.pos);
};

/** A token68 is only possible right after the scheme, alone up to the next comma or the end. */
const readToken68 = (c: Cursor): string | undefined => {
  const rest = c.text.slice(c.pos);
  const candidate = rest.split(',', 1)[0]?.trim() ?? '';
  if (!TOKEN68.test(candidate) || /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=\s*[^=]/.test(rest)) return undefined;
  c.pos += rest.indexOf(candidate) + candidate.length;
  return candidate;
};

const readParams = (c: Cursor, params: Record<string, string>): void => {
  for (;;) {
    skipSeparators(c);
    const start = c.pos;
    const name = readToken(c);
    if (name === '') return;
    skipSpaces(c);
    if (peek(c) !== '=') {
      c.pos = start; // a bare token starts the next challenge
      return;
    }
    c.pos++;
    skipSpaces(c);
    params[name.toLowerCase()] = peek(c) === '"' ? readQuoted(c) : readBareValue(c);
  }
};

/** Every challenge in a `WWW-Authenticate` value, in order; malformed trailing input is ignored. */
export const parseAuthChallenges = (header: string | null | undefined): AuthChallenge[] => {
  const challenges: AuthChallenge[] = [];
  if (!header) return challenges;
  const c: Cursor = { text: header, pos: 0 };
  while (c.pos < c.text.length) {
    skipSeparators(c);
    const scheme = readToken(c);
    if (scheme === '') break;
    skipSpaces(c);
    const params: Record<string, string> = {};
    const token68 = readToken68(c);
    if (token68 === undefined) readParams(c, params);
    challenges.push(
      token68 === undefined
        ? { scheme: scheme.toLowerCase(), params }
        : { scheme: scheme.toLowerCase(), params, token68 },
    );
  }
  return challenges;
};

/** The challenge this client can answer: Bearer with a realm first (the token flow), else Basic. */
export const pickChallenge = (challenges: readonly AuthChallenge[]): AuthChallenge | undefined =>
  challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ??
  challenges.find((c) => c.scheme === 'basic');
