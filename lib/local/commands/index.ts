import type { Command } from '../command.ts';
import { evalCommand } from './eval.ts';
import { reconcileCommand } from './reconcile.ts';
import { rewriteCommand } from './rewrite.ts';
import { serveCommand } from './serve.ts';
import { validateCommand } from './validate.ts';

export const commands: readonly Command[] = [
  evalCommand,
  rewriteCommand,
  validateCommand,
  reconcileCommand,
  serveCommand,
];
