import type { Command } from '../command.ts';

/**
 * The commands, by name, each loaded only when run: `eval` does not pay for the Git client,
 * the registry client or the HTTP server, and `--help` loads nothing at all.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'eval',
    summary: 'select the latest tag for one ImagePolicy from a list of tags',
    load: async () => (await import('./eval.ts')).evalCommand,
  },
  {
    name: 'rewrite',
    summary: 'rewrite $imagepolicy markers under a directory from recorded policy results',
    load: async () => (await import('./rewrite.ts')).rewriteCommand,
  },
  {
    name: 'validate',
    summary: 'check a configuration (Flux manifests) and list every problem',
    load: async () => (await import('./validate.ts')).validateCommand,
  },
  {
    name: 'reconcile',
    summary: 'one pass over every automation: resolve, rewrite, commit and push',
    load: async () => (await import('./reconcile.ts')).reconcileCommand,
  },
  {
    name: 'plan',
    summary: 'each policy’s decision and why, and the diff that would be committed; writes nothing',
    load: async () => (await import('./plan.ts')).planCommand,
  },
  {
    name: 'status',
    summary: 'what ran, pushed and failed, from the state directory',
    load: async () => (await import('./status.ts')).statusCommand,
  },
  {
    name: 'redrive',
    summary: 'move the local queue’s dead letters back to the queue (after fixing the cause)',
    load: async () => (await import('./redrive.ts')).redriveCommand,
  },
  {
    name: 'serve',
    summary: 'run webhook receivers, the queue and sweeps as one local process',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
];
