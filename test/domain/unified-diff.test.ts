import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../lib/domain/unified-diff.ts';

/** Applies a unified diff with `git apply`, a strict reader of this format. */
const applyWithPatch = (before: string, diff: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ia-diff-'));
  try {
    writeFileSync(join(dir, 'f'), before);
    writeFileSync(join(dir, 'p'), diff);
    execFileSync('git', ['apply', join(dir, 'p')], {
      cwd: dir,
      stdio: 'pipe',
    });
    return execFileSync('cat', [join(dir, 'f')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a.yaml', 'x\n', 'x\n')).toBe('');
  });

  it('shows a one-line change with three lines of context', () => {
    const before = 'a\nb\nc\nd\nimage: web:1.0.0\ne\nf\ng\nh\n';
    const after = before.replace('web:1.0.0', 'web:1.1.0');
    expect(unifiedDiff('deploy.yaml', before, after)).toBe(
      [
        '--- a/deploy.yaml',
        '+++ b/deploy.yaml',
        '@@ -2,7 +2,7 @@',
        ' b',
        ' c',
        ' d',
        '-image: web:1.0.0',
        '+image: web:1.1.0',
        ' e',
        ' f',
        ' g',
        '',
      ].join('\n'),
    );
  });

  it('makes separate hunks for distant changes', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const after = [...lines];
    after[2] = 'changed 2';
    after[35] = 'changed 35';
    const diff = unifiedDiff('f', `${lines.join('\n')}\n`, `${after.join('\n')}\n`);
    expect(diff.match(/^@@/gm)).toHaveLength(2);
  });

  it('produces patches that git apply accepts and that reproduce the new text', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'image: x:1', 'image: x:2', '', '  - item');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (a, b) => {
        const before = a.length ? `${a.join('\n')}\n` : '';
        const after = b.length ? `${b.join('\n')}\n` : '';
        fc.pre(before !== '' && after !== '' && before !== after);
        expect(applyWithPatch(before, unifiedDiff('f', before, after))).toBe(after);
      }),
      { numRuns: 60 },
    );
  });
});
