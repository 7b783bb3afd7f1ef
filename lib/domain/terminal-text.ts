/**
 * Text from outside (registry tags and error messages, repository files) shown on a terminal: control
 * characters become visible escapes, so an answer cannot move the cursor, recolour or clear the screen,
 * rewrite earlier lines (`\r`, ESC sequences) or reorder what is read (bidirectional overrides).
 * Every printer of the CLI (`status`, `plan`, errors) goes through these two functions.
 */

/** C0 controls, DEL, C1 controls; zero-width, line/paragraph separators and bidirectional formatting. */
const isControl = (code: number): boolean =>
  code <= 0x1f ||
  (code >= 0x7f && code <= 0x9f) ||
  (code >= 0x200b && code <= 0x200f) ||
  (code >= 0x2028 && code <= 0x202e) ||
  (code >= 0x2060 && code <= 0x2069) ||
  code === 0xfeff;

const NAMED: Readonly<Record<number, string>> = { 10: '\\n', 13: '\\r', 9: '\\t' };

const visible = (code: number): string =>
  NAMED[code] ??
  (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);

const escapeExcept = (text: string, keep: (code: number) => boolean): string => {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isControl(code) || keep(code)) continue;
    out += text.slice(from, i) + visible(code);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
};

const none = () => false;
const lineFeedOrTab = (code: number) => code === 0x0a || code === 0x09;

/** One line, every control character escaped (`\n`, `\x1b`, `\u202e`): for table cells and values. */
export const escapeControl = (text: string): string => escapeExcept(text, none);

/** Keeps line feeds and tabs (diffs, multi-line messages), escapes every other control character. */
export const escapeControlKeepingLines = (text: string): string => escapeExcept(text, lineFeedOrTab);
