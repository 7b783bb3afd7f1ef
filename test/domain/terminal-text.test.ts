import { describe, expect, it } from 'vitest';
import { escapeControl, escapeControlKeepingLines } from '../../lib/domain/terminal-text.ts';

describe('escaping text from outside for a terminal', () => {
  it.each([
    ['plain text, untouched', 'ghcr.io/acme/web:1.2.3 ✓ ünïcode', 'ghcr.io/acme/web:1.2.3 ✓ ünïcode'],
    ['line breaks and tabs', 'a\nb\r\tc', 'a\\nb\\r\\tc'],
    ['ANSI sequences (clear screen, colour)', '\u001b[2J\u001b[31mred', '\\x1b[2J\\x1b[31mred'],
    ['NUL, DEL and C1 controls', '\u0000\u007f\u009b', '\\x00\\x7f\\x9b'],
    [
      'bidirectional overrides and zero-width characters',
      'a\u202eb\u2066c\u200bd\ufeff',
      'a\\u202eb\\u2066c\\u200bd\\ufeff',
    ],
  ])('escapeControl: %s', (_, input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  it('escapeControlKeepingLines keeps line feeds and tabs, escapes the rest', () => {
    expect(escapeControlKeepingLines('- a\n+ b\t\u001b[2K\r')).toBe('- a\n+ b\t\\x1b[2K\\r');
  });
});
