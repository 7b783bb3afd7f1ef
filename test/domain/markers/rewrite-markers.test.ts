import { describe, expect, it } from 'vitest';
import { type RewriteResult, rewriteMarkers } from '../../../lib/domain/markers/rewrite-markers.ts';
import { buildSetters } from '../../../lib/domain/markers/setters.ts';

const digest = `sha256:${'ab'.repeat(32)}`;
const setters = buildSetters([
  { namespace: 'apps', name: 'web', latestRef: { name: 'ghcr.io/acme/web', tag: '1.10' } },
  { namespace: 'apps', name: 'api', latestRef: { name: 'registry.example.com/api', tag: 'v2', digest } },
]);
const WEB = '# {"$imagepolicy": "apps:web"}';
const TAG = '# {"$imagepolicy": "apps:web:tag"}';
const noObject = { apiVersion: '', kind: '', namespace: '', name: '' };

const rewrite = (text: string) => rewriteMarkers(text, setters, { file: 'dir/file.yaml' });
const textOf = (result: RewriteResult) => {
  if (result.kind !== 'rewritten') throw new Error(`expected a rewrite, got ${result.kind}`);
  return result.text;
};

describe('rewriteMarkers', () => {
  it('replaces the marked scalar and records the change against the document', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  namespace: shop',
      'spec:',
      `  image: ghcr.io/acme/web:1.9 ${WEB}`,
      '',
    ].join('\n');

    const result = rewrite(text);

    expect(result).toEqual({
      kind: 'rewritten',
      text: text.replace('web:1.9', 'web:1.10'),
      changes: [
        {
          file: 'dir/file.yaml',
          line: 7,
          object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
          setter: 'apps:web',
          oldValue: 'ghcr.io/acme/web:1.9',
          newValue: 'ghcr.io/acme/web:1.10',
        },
      ],
      warnings: [],
    });
  });

  it('reports nothing to do when every marked value is current', () => {
    const text = `a: ghcr.io/acme/web:1.10 ${WEB}\nb: "1.10" ${TAG}\nc: '1.10' ${TAG}\n`;

    expect(rewrite(text)).toEqual({ kind: 'unchanged', warnings: [] });
  });

  it('compares values, not source text: a differently quoted current value is left alone', () => {
    expect(rewrite(`tag: "1.10" ${TAG}\nimage: "ghcr.io/acme/\\x77eb:1.10" ${WEB}\n`).kind).toBe('unchanged');
  });

  it('warns about a marker whose setter no policy provides, naming the setter and the line', () => {
    const text = `a: 1\nimage: x ${'# {"$imagepolicy": "other:app"}'}\nb: y ${WEB}\n`;

    const result = rewrite(text);

    expect(result.kind).toBe('rewritten');
    expect(result.warnings).toEqual([
      { file: 'dir/file.yaml', line: 2, message: expect.stringContaining('"other:app"') },
    ]);
    expect(textOf(result)).toBe(
      `a: 1\nimage: x ${'# {"$imagepolicy": "other:app"}'}\nb: ghcr.io/acme/web:1.10 ${WEB}\n`,
    );
  });

  it('leaves an unparsable file alone and reports the parser line', () => {
    const text = `a: 1\nb: 2\nc: [unclosed ${WEB}\nd: 4\n`;

    const result = rewrite(text);

    expect(result.kind).toBe('unparsable');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({
      file: 'dir/file.yaml',
      message: expect.stringMatching(/YAML/),
    });
    expect(result.warnings[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('treats duplicate keys as unparsable, as go-yaml does', () => {
    expect(rewrite(`image: a ${WEB}\nimage: b\n`).kind).toBe('unparsable');
  });

  describe('which comment is the marker', () => {
    it('uses the single comment line directly above a sequence item', () => {
      const text = `list:\n  ${WEB}\n  - old\n  - other\n`;

      expect(textOf(rewrite(text))).toBe(`list:\n  ${WEB}\n  - ghcr.io/acme/web:1.10\n  - other\n`);
    });

    it.each([
      ['two comment lines above', `list:\n  # note\n  ${WEB}\n  - old\n`],
      ['a blank line between', `list:\n  ${WEB}\n\n  - old\n`],
      ['a line comment on the item', `list:\n  ${WEB}\n  - old # note\n`],
      ['above a mapping entry', `${WEB}\nimage: old\n`],
      ['above a nested sequence', `list:\n  ${WEB}\n  - - old\n`],
      ['above a mapping item', `list:\n  ${WEB}\n  - image: old\n`],
      ['after a key whose value is a mapping', `spec: ${WEB}\n  image: old\n`],
      ['on an alias', `a: &x old\nb: *x ${WEB}\n`],
      ['after a flow collection', `a: [old] ${WEB}\n`],
    ])('ignores a marker %s, with a warning', (_, text) => {
      const result = rewrite(text);

      expect(result.kind).toBe('unchanged');
      expect(result.warnings).toEqual([
        expect.objectContaining({ message: expect.stringContaining('marker for "apps:web" ignored') }),
      ]);
    });

    it('warns about a comment that names the token but is not valid, and applies nothing', () => {
      const result = rewrite(`image: old # {"$imagepolicy": "apps:web"} please\n`);

      expect(result).toEqual({
        kind: 'unchanged',
        warnings: [{ file: 'dir/file.yaml', line: 1, message: expect.stringContaining('not a marker') }],
      });
    });

    it('stays silent about the token in commented-out lines, strings and block text', () => {
      const text = [`# image: old ${WEB}`, `note: '${WEB}'`, 'script: |', `  ${WEB}`, '  echo', ''].join(
        '\n',
      );

      expect(rewrite(text)).toEqual({ kind: 'unchanged', warnings: [] });
    });

    it('never treats a key as marked', () => {
      expect(rewrite(`? key ${WEB}\n: value\n`).kind).toBe('unchanged');
    });
  });

  describe('replacing exactly the scalar', () => {
    it.each([
      ['plain', `a: old ${WEB}`, `a: ghcr.io/acme/web:1.10 ${WEB}`],
      ['single', `a: 'old' ${WEB}`, `a: 'ghcr.io/acme/web:1.10' ${WEB}`],
      ['double', `a: "old" ${WEB}`, `a: "ghcr.io/acme/web:1.10" ${WEB}`],
      ['plain tag that reads as a float', `a: v1 ${TAG}`, `a: "1.10" ${TAG}`],
      ['single tag that reads as a float', `a: 'v1' ${TAG}`, `a: '1.10' ${TAG}`],
      ['anchored', `a: &img old ${WEB}\nb: *img`, `a: &img ghcr.io/acme/web:1.10 ${WEB}\nb: *img`],
      ['tagged', `a: !!str old ${WEB}`, `a: !!str ghcr.io/acme/web:1.10 ${WEB}`],
      ['empty', `a: ${WEB}`, `a: ghcr.io/acme/web:1.10 ${WEB}`],
      ['empty, spaced', `a:    ${WEB}`, `a:    ghcr.io/acme/web:1.10 ${WEB}`],
      ['null', `a: ~ ${WEB}`, `a: ghcr.io/acme/web:1.10 ${WEB}`],
      ['spacing kept', `a:   old\t\t${WEB}`, `a:   ghcr.io/acme/web:1.10\t\t${WEB}`],
      [
        'compact marker',
        `a: "old" #{"$imagepolicy":"apps:web"}`,
        `a: "ghcr.io/acme/web:1.10" #{"$imagepolicy":"apps:web"}`,
      ],
      ['multi-line plain', `a: old\n  continued ${WEB}`, `a: ghcr.io/acme/web:1.10 ${WEB}`],
      ['flow sequence item', `a: [x, old ${WEB}\n  ]`, `a: [x, ghcr.io/acme/web:1.10 ${WEB}\n  ]`],
      ['flow item that needs quotes', `a: [x, old ${TAG}\n  ]`, `a: [x, "1.10" ${TAG}\n  ]`],
      ['flow mapping value', `a: {k: old ${WEB}\n  }`, `a: {k: ghcr.io/acme/web:1.10 ${WEB}\n  }`],
      ['top-level scalar', `old ${WEB}`, `ghcr.io/acme/web:1.10 ${WEB}`],
      ['top-level sequence', `- old ${WEB}\n- keep`, `- ghcr.io/acme/web:1.10 ${WEB}\n- keep`],
      ['item after document start', `--- ${WEB}\n- old`, `--- ${WEB}\n- old`],
    ])('%s', (_, before, after) => {
      const result = rewrite(`${before}\n`);

      if (before === after) expect(result.kind).toBe('unchanged');
      else expect(textOf(result)).toBe(`${after}\n`);
    });

    it('keeps CRLF line endings and a BOM', () => {
      const text = `\uFEFFa: old ${WEB}\r\nb: |\r\n  x\r\nc: 'old' ${TAG}\r\n`;

      expect(textOf(rewrite(text))).toBe(
        `\uFEFFa: ghcr.io/acme/web:1.10 ${WEB}\r\nb: |\r\n  x\r\nc: '1.10' ${TAG}\r\n`,
      );
    });

    it('keeps a missing final newline', () => {
      expect(textOf(rewrite(`a: old ${WEB}`))).toBe(`a: ghcr.io/acme/web:1.10 ${WEB}`);
    });
  });

  describe('block scalars', () => {
    it.each([
      ['literal', `a: | ${WEB}\n  old\nb: 1\n`, `a: "ghcr.io/acme/web:1.10" ${WEB}\nb: 1\n`, 'old\n'],
      [
        'strip',
        `a: |-   ${WEB}\n  old\n\n# c\nb: 1\n`,
        `a: "ghcr.io/acme/web:1.10"   ${WEB}\n\n# c\nb: 1\n`,
        'old',
      ],
      ['keep', `a: |+ ${WEB}\n  old\n\nb: 1\n`, `a: "ghcr.io/acme/web:1.10" ${WEB}\nb: 1\n`, 'old\n\n'],
      [
        'folded',
        `a: >2 ${WEB}\n  old\n  text\nb: 1\n`,
        `a: "ghcr.io/acme/web:1.10" ${WEB}\nb: 1\n`,
        'old text\n',
      ],
      ['CRLF', `a: | ${WEB}\r\n  old\r\nb: 1\r\n`, `a: "ghcr.io/acme/web:1.10" ${WEB}\r\nb: 1\r\n`, 'old\n'],
      ['at the end without newline', `a: | ${WEB}\n  old`, `a: "ghcr.io/acme/web:1.10" ${WEB}`, 'old\n'],
      ['sequence item', `- | ${WEB}\n  old\n- x\n`, `- "ghcr.io/acme/web:1.10" ${WEB}\n- x\n`, 'old\n'],
    ])('a marked %s block becomes a quoted one-liner', (_, before, after, oldValue) => {
      const result = rewrite(before);

      expect(textOf(result)).toBe(after);
      expect(result.kind === 'rewritten' && result.changes[0]?.oldValue).toBe(oldValue);
      expect(rewrite(after).kind).toBe('unchanged');
    });

    it('leaves unmarked blocks next to a marker byte for byte, trailing spaces included', () => {
      const text = `a: |  \n  one   \n  two\t\nb: old ${WEB}\nc: >\n  folded\n  text\n`;

      expect(textOf(rewrite(text))).toBe(text.replace('b: old', 'b: ghcr.io/acme/web:1.10'));
    });
  });

  describe('object identity', () => {
    it('follows each document of a stream, in document order', () => {
      const text = [
        '--- # first',
        'kind: A',
        'metadata: {name: a}',
        `x: old ${WEB}`,
        '...',
        '---',
        'apiVersion: v9',
        'kind: B',
        'metadata:',
        '  name: 010',
        '  namespace: ~',
        `y: old ${TAG}`,
        `z: old ${WEB}`,
        '---',
        'metadata: [not, a, mapping]',
        `w: old ${WEB}`,
        '',
      ].join('\n');

      const result = rewrite(text);

      expect(result.kind === 'rewritten' && result.changes.map((c) => [c.line, c.setter, c.object])).toEqual([
        [4, 'apps:web', { apiVersion: '', kind: 'A', namespace: '', name: 'a' }],
        [12, 'apps:web:tag', { apiVersion: 'v9', kind: 'B', namespace: '', name: '010' }],
        [13, 'apps:web', { apiVersion: 'v9', kind: 'B', namespace: '', name: '010' }],
        [16, 'apps:web', noObject],
      ]);
    });

    it('records changes inside a lone List against the item, as kyaml unwraps it', () => {
      const text = [
        'apiVersion: v1',
        'kind: List',
        `note: old ${WEB}`,
        'items:',
        '- apiVersion: v1',
        '  kind: Pod',
        '  metadata: {name: p, namespace: n}',
        `  image: old ${WEB}`,
        `- old ${TAG}`,
        '',
      ].join('\n');

      const result = rewrite(text);

      expect(result.kind === 'rewritten' && result.changes.map((c) => c.object)).toEqual([
        { apiVersion: 'v1', kind: 'List', namespace: '', name: '' },
        { apiVersion: 'v1', kind: 'Pod', namespace: 'n', name: 'p' },
        noObject,
      ]);
    });
  });

  it('writes the pinned digest and blanks a digest field when the policy has none', () => {
    const text = `a: x ${'# {"$imagepolicy": "apps:api"}'}\nb: sha256:00 ${'# {"$imagepolicy": "apps:web:digest"}'}\n`;

    expect(textOf(rewrite(text))).toBe(
      `a: registry.example.com/api:v2@${digest} ${'# {"$imagepolicy": "apps:api"}'}\nb: "" ${'# {"$imagepolicy": "apps:web:digest"}'}\n`,
    );
  });
});
