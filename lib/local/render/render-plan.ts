import type { PolicyPlan } from '../../app/explain-policy.ts';
import type { AutomationPlan, PlanReport } from '../../app/plan-automations.ts';
import { formatLatestRef } from '../../domain/changes.ts';
import type { TagSample } from '../../domain/policy/selection-trace.ts';
import { escapeControl, escapeControlKeepingLines } from '../../domain/terminal-text.ts';
import { oneLine } from './text-table.ts';

/**
 * `plan` for people: per automation, each policy's decision with one line per reason a tag was
 * dropped, then the changes and the exact unified diffs (unindented, so they can be piped to
 * `git apply`). `--json` prints the PlanReport itself.
 */
export const planRenderDefaults = Object.freeze({ samples: 5 });

const LABEL = 15;
const row = (label: string, text: string) => `    ${`${label}:`.padEnd(LABEL)} ${text}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const list = (sample: TagSample, limit: number) => {
  const shown = sample.sample.slice(0, limit).join(', ');
  return sample.count > Math.min(limit, sample.sample.length) ? `${shown}, …` : shown;
};
const counted = (sample: TagSample, limit: number, what = '') =>
  sample.count === 0 ? `0${what}` : `${sample.count}${what}: ${list(sample, limit)}`;

const digestLine = (p: PolicyPlan): string => {
  const rule = `digestReflectionPolicy ${p.digest.policy}`;
  const digest = p.latestRef?.digest;
  if (!digest) return `none (${rule})`;
  return p.digest.source === 'registry'
    ? `${digest} (resolved from the registry now; ${rule})`
    : `${digest} (kept from the previous ref, same tag; ${rule})`;
};

const policyLines = (p: PolicyPlan, limit: number): string[] => {
  const lines = [`  policy ${p.policy}  ${p.rule}${p.image ? `  image ${p.image}` : ''}`];
  if (p.exclusion) {
    lines.push(row('listed', plural(p.exclusion.listed, 'tag')));
    const patterns = p.exclusion.patterns
      .filter((x) => x.count > 0)
      .map((x) => `${x.pattern} ×${x.count}`)
      .join(', ');
    lines.push(
      row(
        'exclusion list',
        p.exclusion.excluded.count === 0
          ? '0 excluded'
          : `${p.exclusion.excluded.count} excluded (${patterns}): ${list(p.exclusion.excluded, limit)}`,
      ),
    );
  }
  const trace = p.trace;
  if (trace?.filter) {
    const pattern = p.filterTags?.pattern ?? '';
    lines.push(row('filterTags', counted(trace.filter.dropped, limit, ` not matching ${pattern}`)));
    if (trace.filter.collapsed.count > 0)
      lines.push(
        row('same value', counted(trace.filter.collapsed, limit, ' (a later tag extracts the same)')),
      );
  }
  if (trace) lines.push(row('candidates', counted(trace.candidates, limit)));
  // Subsets of the candidates that semver set aside; zero counts are left out of the text (not of --json).
  if (trace?.semver?.notVersions.count)
    lines.push(row('not a version', counted(trace.semver.notVersions, limit)));
  if (trace?.semver?.outOfRange.count)
    lines.push(row('out of range', counted(trace.semver.outOfRange, limit)));
  switch (p.decision.kind) {
    case 'selected':
      lines.push(
        row(
          'selected',
          trace?.selectedValue && trace.selectedValue !== p.decision.tag
            ? `${p.decision.tag} (value ${trace.selectedValue})`
            : p.decision.tag,
        ),
      );
      break;
    case 'none':
      lines.push(row('selected', `nothing: ${p.decision.reason}`));
      break;
    case 'error':
      lines.push(row('error', `${p.decision.code}: ${oneLine(p.decision.message)}`));
  }
  lines.push(row('digest', digestLine(p)));
  lines.push(
    row(
      'previous',
      p.previousRef ? `${formatLatestRef(p.previousRef)}${p.changed ? '' : ' (unchanged)'}` : 'none recorded',
    ),
  );
  return lines;
};

const headline = (a: AutomationPlan): string => {
  switch (a.outcome) {
    case 'changes': {
      const from = a.checkoutBranch && a.checkoutBranch !== a.pushBranch ? ` (from ${a.checkoutBranch})` : '';
      return `${a.automation}: ${plural(a.changes.length, 'change')} would be committed to ${a.pushBranch}${from}`;
    }
    case 'no-changes':
      return `${a.automation}: nothing to commit (${a.reason})`;
    case 'skipped':
      return `${a.automation}: skipped (${a.reason})`;
    case 'failed':
      return `${a.automation}: failed: ${a.error?.code}: ${oneLine(a.error?.message ?? '')}`;
  }
};

export const renderPlan = (report: PlanReport, limit: number = planRenderDefaults.samples): string => {
  if (report.automations.length === 0) return 'no ImageUpdateAutomation in the configuration\n';
  const blocks = report.automations.map((a) => {
    const lines = [headline(a), ...a.policies.flatMap((p) => policyLines(p, limit))];
    if (a.changes.length > 0) {
      lines.push('  changes:');
      for (const c of a.changes)
        lines.push(`    ${c.file}:${c.line} ${c.setter}: ${c.oldValue} -> ${c.newValue}`);
    }
    for (const w of a.warnings) lines.push(`  warning: ${w.file}:${w.line}: ${w.message}`);
    // Tags, messages and file contents come from outside: escaped before they reach a terminal.
    const text = lines.map(escapeControl).join('\n');
    return `${text}\n${escapeControlKeepingLines(a.diffs.map((d) => d.diff).join(''))}`;
  });
  return blocks.join('\n');
};
