import { describe, expect, it } from 'vitest';
import type { PlanReport } from '../../../lib/app/plan-automations.ts';
import { renderPlan } from '../../../lib/local/render/render-plan.ts';

describe('plan output escapes what came from outside (issue 10 item 6)', () => {
  it('escapes control characters in messages, warnings and diffs, keeping the diff lines', () => {
    const report: PlanReport = {
      automations: [
        {
          automation: 'apps/fleet',
          outcome: 'failed',
          policies: [],
          changes: [],
          diffs: [{ file: 'a.yaml', diff: '--- a/a.yaml\n+++ b/a.yaml\n-x: 1\u001b[2K\n+x: 2\r\n' }],
          warnings: [{ file: 'a.yaml', line: 1, message: 'odd \u001b]0;title\u0007 text' }],
          error: { code: 'Upstream', message: 'HTTP 500: \u001b[31mred\u202e', retryable: true },
        },
      ],
    };

    const text = renderPlan(report);

    expect(text).toContain('failed: Upstream: HTTP 500: \\x1b[31mred\\u202e');
    expect(text).toContain('warning: a.yaml:1: odd \\x1b]0;title\\x07 text');
    expect(text).toContain('--- a/a.yaml\n+++ b/a.yaml\n-x: 1\\x1b[2K\n+x: 2\\r\n');
    for (const raw of ['\u001b', '\u0007', '\r', '\u202e']) expect(text).not.toContain(raw);
  });
});
