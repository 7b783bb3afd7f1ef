import type { ReconcileOutcome } from '../../app/reconcile-automation.ts';
import { isAppError } from '../../domain/errors.ts';
import { type Command, EXIT, exitCodeFor, parseOptions, requireOption } from '../command.ts';
import { createLocalRuntime } from '../local-runtime.ts';

const usage = `
Usage: image-automation reconcile --config PATH [--state DIR] [--dry-run]

One pass over every ImageUpdateAutomation in the configuration: list tags, select per policy, resolve
digests, rewrite the marked values and push one commit per automation with changes. Prints what it did.

  --config PATH   Flux manifests (file or directory)
  --state DIR     state directory (default .image-automation)
  --dry-run       print each policy's selection and the unified diff per file; write nothing

Exit codes: 0 every automation is up to date or pushed · 1 a run failed and may succeed on retry ·
            2 invalid configuration · 3 refused by a registry or Git host, or something not found
`;

const short = (sha: string) => sha.slice(0, 7);

const describe = (outcome: ReconcileOutcome): string[] => {
  if (outcome.kind === 'skipped') return [`${outcome.automation}: skipped (${outcome.reason})`];
  const lines: string[] = [];
  if (outcome.kind === 'pushed') {
    lines.push(
      `${outcome.automation}: pushed ${short(outcome.commit)} to ${outcome.branch} (${outcome.changes.length} change${outcome.changes.length === 1 ? '' : 's'})`,
    );
    for (const c of outcome.changes)
      lines.push(`  ${c.file}:${c.line} ${c.setter}: ${c.oldValue} -> ${c.newValue}`);
  } else if (outcome.kind === 'up-to-date') {
    lines.push(`${outcome.automation}: up to date (${outcome.reason})`);
  } else {
    lines.push(
      `${outcome.automation}: dry run, ${outcome.changes.length} change${outcome.changes.length === 1 ? '' : 's'} would be committed`,
    );
    for (const r of outcome.resolutions) {
      const ref = r.latestRef
        ? `${r.latestRef.tag}${r.latestRef.digest ? `@${r.latestRef.digest}` : ''}`
        : 'nothing';
      lines.push(`  policy ${r.key}: ${ref}${r.error ? ` (error: ${r.error.message})` : ''}`);
    }
    for (const d of outcome.diffs) lines.push(d.diff.trimEnd());
  }
  for (const w of outcome.warnings) lines.push(`  warning: ${w.file}:${w.line}: ${w.message}`);
  return lines;
};

export const reconcileCommand: Command = {
  name: 'reconcile',
  usage,
  async run(argv, io) {
    const options = parseOptions(
      argv,
      { config: { type: 'string' }, state: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      'reconcile',
    );
    const runtime = await createLocalRuntime({
      configPath: requireOption(options.config, '--config', 'reconcile'),
      stateDir: options.state ?? '.image-automation',
      env: io.env,
      cwd: io.cwd,
      dryRun: options['dry-run'] === true,
      writeLog: (line) => io.stderr(line),
    });
    let exit: number = EXIT.ok;
    const now = new Date().toISOString();
    for (const automation of runtime.config.imageUpdateAutomations) {
      const key = `${automation.metadata.namespace}/${automation.metadata.name}`;
      try {
        const outcome = await runtime.reconcile({
          automation: key,
          repositories: [],
          reason: 'manual',
          deliveryIds: [],
          triggeredAt: now,
        });
        io.stdout(`${describe(outcome).join('\n')}\n`);
      } catch (error) {
        io.stdout(`${key}: failed: ${isAppError(error) ? error.message : String(error)}\n`);
        exit = Math.max(exit, exitCodeFor(error));
      }
    }
    if (runtime.config.imageUpdateAutomations.length === 0)
      io.stdout('no ImageUpdateAutomation in the configuration\n');
    return exit;
  },
};
