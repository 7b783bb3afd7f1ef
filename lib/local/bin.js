#!/usr/bin/env node
// The `image-automation` command. Plain JavaScript so that a wrong Node version gets a clear
// message instead of a syntax error; the CLI itself is TypeScript, run by Node 22's type stripping.
import { assertNode22 } from './node-guard.js';

try {
  assertNode22();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
