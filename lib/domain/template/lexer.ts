/**
 * The text/template lexer (Go `text/template/parse/lex.go`), with the default `{{ }}` delimiters.
 * Trim markers (`{{- ` and ` -}}`) and comments are resolved here, as in Go; the parser never sees them.
 * Positions are JS string indexes; lines are 1-based.
 */
import { quote, quotePrefix } from './quote.ts';
import { isDigit, isLetter, isPrint } from './utf8.ts';

export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // keywords
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Item {
  readonly type: ItemType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const KEYWORDS: ReadonlySet<string> = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'nil',
  'range',
  'template',
  'with',
]);

export const isKeyword = (type: ItemType): boolean => KEYWORDS.has(type) || type === 'dot';

/** Go's `item.String()`, used in "unexpected …" parse errors. */
export const itemString = (item: Item): string => {
  if (item.type === 'eof') return 'EOF';
  if (item.type === 'error') return item.val;
  if (isKeyword(item.type)) return `<${item.val}>`;
  if ([...item.val].length > 10) return `${quotePrefix(item.val, 10)}...`;
  return quote(item.val);
};

const LEFT = '{{';
const RIGHT = '}}';
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (ch: string | undefined): boolean => {
  if (ch === undefined) return false;
  const cp = ch.codePointAt(0) ?? 0;
  return ch === '_' || (cp < 0x80 ? /[A-Za-z0-9]/.test(ch) : isLetter(cp) || isDigit(cp));
};
const hasLeftTrimMarker = (s: string, i: number): boolean => s[i] === '-' && isSpace(s[i + 1]);
const hasRightTrimMarker = (s: string, i: number): boolean => isSpace(s[i]) && s[i + 1] === '-';
const rightTrimLength = (s: string): number => s.length - s.replace(/[ \t\r\n]+$/, '').length;
const leftTrimLength = (s: string): number => s.length - s.replace(/^[ \t\r\n]+/, '').length;

/** Scans the whole input; the last item is `eof` or `error`. */
export const lex = (input: string): Item[] => {
  const items: Item[] = [];
  const lineStarts = [0];
  for (let i = 0; i < input.length; i++) if (input[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (pos: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  const emit = (type: ItemType): void => {
    items.push({ type, pos: start, val: input.slice(start, pos), line: lineAt(start) });
    start = pos;
  };
  const fail = (message: string): Item[] => {
    items.push({ type: 'error', pos: start, val: message, line: lineAt(start) });
    return items;
  };
  const peekChar = (): string | undefined => {
    const cp = input.codePointAt(pos);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  };
  const nextChar = (): string | undefined => {
    const ch = peekChar();
    if (ch !== undefined) pos += ch.length;
    return ch;
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true };
    return { delim: input.startsWith(RIGHT, pos), trim: false };
  };
  const atTerminator = (): boolean => {
    const ch = peekChar();
    return ch === undefined || isSpace(ch) || '.,|:)('.includes(ch) || ch === RIGHT[0];
  };
  /** Go's `%#U`. */
  const charName = (ch: string | undefined): string => {
    const cp = ch?.codePointAt(0) ?? 0xfffd;
    const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    return isPrint(cp) ? `${code} '${ch}'` : code;
  };
  const scanNumber = (): boolean => {
    const accept = (valid: string): boolean => {
      const ch = input[pos];
      if (ch !== undefined && valid.includes(ch)) {
        pos++;
        return true;
      }
      return false;
    };
    const acceptRun = (valid: string): void => {
      while (accept(valid));
    };
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peekChar())) {
      nextChar();
      return false;
    }
    return true;
  };

  for (;;) {
    // lexText
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      emit('eof');
      return items;
    }
    pos = x;
    const trimLength = hasLeftTrimMarker(input, pos + LEFT.length)
      ? rightTrimLength(input.slice(start, pos))
      : 0;
    pos -= trimLength;
    if (pos > start) emit('text');
    pos += trimLength;
    start = pos;
    // lexLeftDelim
    pos += LEFT.length;
    const afterMarker = hasLeftTrimMarker(input, pos) ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker;
      start = pos;
      const close = input.indexOf('*/', pos + 2);
      if (close < 0) return fail('unclosed comment');
      pos = close + 2;
      const { delim, trim } = atRightDelim();
      if (!delim) return fail('comment ends before closing delimiter');
      pos += (trim ? 2 : 0) + RIGHT.length;
      if (trim) pos += leftTrimLength(input.slice(pos));
      start = pos;
      continue;
    }
    emit('leftDelim');
    pos += afterMarker;
    start = pos;
    parenDepth = 0;
    // lexInsideAction
    for (;;) {
      const { delim, trim } = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return fail('unclosed left paren');
        if (trim) {
          pos += 2;
          start = pos;
        }
        pos += RIGHT.length;
        emit('rightDelim');
        if (trim) {
          pos += leftTrimLength(input.slice(pos));
          start = pos;
        }
        break;
      }
      const ch = nextChar();
      if (ch === undefined) return fail('unclosed action');
      if (isSpace(ch)) {
        pos -= 1;
        let numSpaces = 0;
        while (isSpace(input[pos])) {
          pos++;
          numSpaces++;
        }
        if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos + 1)) {
          pos--;
          if (numSpaces === 1) continue; // on the trim-marked delimiter
        }
        emit('space');
      } else if (ch === '=') emit('assign');
      else if (ch === ':') {
        if (nextChar() !== '=') return fail('expected :=');
        emit('declare');
      } else if (ch === '|') emit('pipe');
      else if (ch === '"' || ch === '`' || ch === "'") {
        for (;;) {
          const c = nextChar();
          if (ch !== '`' && c === '\\') {
            const escaped = nextChar();
            if (escaped !== undefined && escaped !== '\n') continue;
          }
          if (c === undefined || (ch !== '`' && (c === '\n' || c === '\\'))) {
            return fail(
              ch === '"'
                ? 'unterminated quoted string'
                : ch === '`'
                  ? 'unterminated raw quoted string'
                  : 'unterminated character constant',
            );
          }
          if (c === ch) break;
        }
        emit(ch === '"' ? 'string' : ch === '`' ? 'rawString' : 'charConstant');
      } else if (ch === '$' || (ch === '.' && !/[0-9]/.test(input[pos] ?? '0'))) {
        // lexVariable / lexField
        if (atTerminator()) emit(ch === '$' ? 'variable' : 'dot');
        else {
          let r: string | undefined;
          for (;;) {
            r = peekChar();
            if (!isAlphaNumeric(r)) break;
            nextChar();
          }
          if (!atTerminator()) return fail(`bad character ${charName(r)}`);
          emit(ch === '$' ? 'variable' : 'field');
        }
      } else if (ch === '.' || ch === '+' || ch === '-' || (ch >= '0' && ch <= '9')) {
        pos -= 1;
        if (!scanNumber()) return fail(`bad number syntax: ${quote(input.slice(start, pos))}`);
        const sign = input[pos];
        if (sign === '+' || sign === '-') {
          if (!scanNumber() || input[pos - 1] !== 'i')
            return fail(`bad number syntax: ${quote(input.slice(start, pos))}`);
          emit('complex');
        } else emit('number');
      } else if (isAlphaNumeric(ch)) {
        let r: string | undefined;
        for (;;) {
          r = peekChar();
          if (!isAlphaNumeric(r)) break;
          nextChar();
        }
        if (!atTerminator()) return fail(`bad character ${charName(r)}`);
        const word = input.slice(start, pos);
        if (KEYWORDS.has(word)) emit(word as ItemType);
        else if (word === 'true' || word === 'false') emit('bool');
        else emit('identifier');
      } else if (ch === '(') {
        emit('leftParen');
        parenDepth++;
      } else if (ch === ')') {
        parenDepth--;
        if (parenDepth < 0) return fail(`unexpected right paren ${charName(ch)}`);
        emit('rightParen');
      } else if ((ch.codePointAt(0) ?? 0) < 0x80 && /[\x20-\x7e]/.test(ch)) emit('char');
      else return fail(`unrecognized character in action: ${charName(ch)}`);
    }
  }
};
