import type { StatusError, StatusReport } from '../../app/status-report.ts';
import { formatAge, oneLine, renderTable, shortRef } from './text-table.ts';

/**
 * `status` for people: three tables (automations, policies, repositories), and the local dead letters
 * when there are any; `--json` prints the report.
 */

const NONE = '-';
const age = (seconds: number | undefined, missing = NONE) =>
  seconds === undefined ? missing : formatAge(seconds);
const error = (e: StatusError | undefined) =>
  e ? `${e.code} ${formatAge(e.ageSeconds)}: ${oneLine(e.message)}` : NONE;
/** ISO time to the second: milliseconds are noise in a table. */
const isoSeconds = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

export const renderStatus = (report: StatusReport): string => {
  const automations = renderTable(
    ['AUTOMATION', 'LAST RUN', 'LAST PUSH', 'BRANCH', 'PUSHED', 'LAST ERROR'],
    report.automations.map((a) => [
      a.automation,
      a.recorded ? age(a.lastRunAgeSeconds) : 'never',
      a.lastPushCommit ? a.lastPushCommit.slice(0, 7) : NONE,
      a.lastPushBranch ?? NONE,
      a.lastPushTime ? `${isoSeconds(a.lastPushTime)} (${age(a.lastPushAgeSeconds)})` : NONE,
      error(a.lastError),
    ]),
  );
  const policies = renderTable(
    ['POLICY', 'IMAGE', 'LATEST', 'PREVIOUS', 'EVALUATED', 'LAST ERROR'],
    report.policies.map((p) => [
      p.policy,
      p.latestRef?.name ?? p.previousRef?.name ?? NONE,
      shortRef(p.latestRef),
      // A previous ref of another image (the ImageRepository changed) is shown in full.
      p.previousRef && p.latestRef && p.previousRef.name !== p.latestRef.name
        ? `${p.previousRef.name}:${shortRef(p.previousRef)}`
        : shortRef(p.previousRef),
      p.recorded ? age(p.lastEvaluationAgeSeconds) : 'never',
      error(p.lastError),
    ]),
  );
  const repositories = renderTable(
    ['REPOSITORY', 'LAST SCAN', 'TAGS', 'LAST ERROR'],
    report.repositories.map((r) => [
      r.repository,
      r.recorded ? age(r.lastScanAgeSeconds) : 'never',
      r.tagCount === undefined
        ? NONE
        : `${r.tagCount}${r.invalidTagCount ? ` (${r.invalidTagCount} invalid dropped)` : ''}`,
      error(r.lastError),
    ]),
  );
  const empty =
    report.automations.length + report.policies.length + report.repositories.length === 0
      ? 'nothing recorded yet: run `image-automation reconcile` or `serve` first\n'
      : '';
  const dead = report.deadLetters?.count
    ? `\n${report.deadLetters.count} dead letter(s): given up after the last attempt; fix the cause, then \`image-automation redrive\`\n${renderTable(
        ['AUTOMATION', 'ATTEMPTS', 'GIVEN UP', 'LAST ERROR'],
        report.deadLetters.items.map((d) => [
          d.automation,
          String(d.attempts),
          d.at ? `${isoSeconds(d.at)} (${age(d.ageSeconds)})` : NONE,
          `${d.lastError.code}: ${oneLine(d.lastError.message)}`,
        ]),
      )}`
    : '';
  return `${empty}${automations}\n${policies}\n${repositories}${dead}`;
};
