import { describe, expect, it } from 'vitest';
import { compileExclusionList } from '../../../lib/domain/policy/exclusion-list.ts';
import { traceExclusionList } from '../../../lib/domain/policy/exclusion-trace.ts';

describe('traceExclusionList', () => {
  it('counts each drop once, for the first pattern that matches, and keeps what the policy sees', () => {
    const result = traceExclusionList(
      ['^latest$', 'sig', '\\.sig$'],
      ['1.0.0', 'latest', 'a.sig', 'b.sig', '2.0.0'],
    );
    expect(result).toEqual({
      ok: true,
      trace: {
        listed: 5,
        excluded: { count: 3, sample: ['latest', 'b.sig', 'a.sig'] },
        patterns: [
          { pattern: '^latest$', count: 1 },
          { pattern: 'sig', count: 2 },
          { pattern: '\\.sig$', count: 0 },
        ],
        kept: ['2.0.0', '1.0.0'],
      },
    });
  });

  it.each([[undefined], [[]]])('uses the default list for %j, as Flux does', (patterns) => {
    const result = traceExclusionList(patterns, ['1.0.0', 'sha256-abc.sig']);
    expect(result.ok && result.trace.patterns).toEqual([{ pattern: '^.*\\.sig$', count: 1 }]);
  });

  it('keeps exactly what compileExclusionList keeps (the run and its explanation agree)', () => {
    const tags = ['v1', 'v2.sig', 'main-3', 'latest', 'x.att', 'v10'];
    const patterns = ['^main-', '\\.(sig|att)$'];
    const compiled = compileExclusionList(patterns);
    const traced = traceExclusionList(patterns, tags);
    expect(compiled.ok && traced.ok).toBe(true);
    if (compiled.ok && traced.ok) expect([...traced.trace.kept].sort()).toEqual(compiled.apply(tags).sort());
  });

  it('reports an invalid pattern as a value', () => {
    expect(traceExclusionList(['('], ['a'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('('),
    });
  });
});
