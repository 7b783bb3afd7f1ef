import { createOverlayStateStore } from '../../adapters/state/overlay-state-store.ts';
import { type PlanReport, planAutomations } from '../../app/plan-automations.ts';
import { type Command, EXIT, exitCodeForCode, parseOptions, requireOption } from '../command.ts';
import { createLocalRuntime } from '../local-runtime.ts';
import { renderPlan } from '../render/render-plan.ts';

const usage = `
Usage: image-automation plan --config PATH [--state DIR] [--json]

For every ImageUpdateAutomation: each policy's decision and why (tags listed, dropped by the exclusion
list, by filterTags, not a version, out of range, the candidates, the selected tag, where its digest
came from, the previous ref) and the exact unified diff that would be committed. Runs the real
resolution and rewrite against the registry and Git, and writes nothing: no state, no commit, no push.

  --config PATH   Flux manifests (file or directory)
  --state DIR     state directory to read previous refs from (default .image-automation)
  --json          the plan as JSON, for tools

Exit codes: 0 planned · 1 a run failed and may succeed on retry, or a policy selects nothing ·
            2 invalid configuration · 3 refused by a registry or Git host, or something not found
`;

/** The worst of the automations' failures and the policies' problems (nothing selected counts as 1, as in eval). */
export const planExitCode = (report: PlanReport): number => {
  let exit: number = EXIT.ok;
  for (const automation of report.automations) {
    if (automation.error) exit = Math.max(exit, exitCodeForCode(automation.error.code));
    for (const policy of automation.policies) {
      if (policy.decision.kind === 'none') exit = Math.max(exit, EXIT.none);
      if (policy.decision.kind === 'error') exit = Math.max(exit, exitCodeForCode(policy.decision.code));
    }
  }
  return exit;
};

export const planCommand: Command = {
  name: 'plan',
  usage,
  async run(argv, io) {
    const options = parseOptions(
      argv,
      { config: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean' } },
      'plan',
    );
    const runtime = await createLocalRuntime({
      configPath: requireOption(options.config, '--config', 'plan'),
      stateDir: options.state ?? '.image-automation',
      // The report is the output: progress lines stay off stderr unless a log level is asked for.
      env: { IMAGE_AUTOMATION_LOG_LEVEL: 'warn', ...io.env },
      cwd: io.cwd,
      // Read-only state (no directory is created); the dry run pushes nothing.
      dryRun: true,
      writeLog: (line) => io.stderr(line),
    });
    const report = await planAutomations({
      ...runtime.deps,
      overlayState: () => createOverlayStateStore(runtime.state),
    });
    io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderPlan(report));
    return planExitCode(report);
  },
};
