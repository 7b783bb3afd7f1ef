import type { Command } from '../command.ts';
import { evalCommand } from './eval.ts';
import { rewriteCommand } from './rewrite.ts';
import { validateCommand } from './validate.ts';

export const commands: readonly Command[] = [evalCommand, rewriteCommand, validateCommand];
