import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The clock of the Go peers. `npm run test:later` moves the clock of this process (and of git and
 * openssl) with libfaketime, which works through LD_PRELOAD; Go programs such as `docker-registry`
 * make their own system calls and keep the real time. A peer that stands in for part of a Go service
 * (the registry's token issuer: the registry checks the token's `nbf` and the certificate's validity
 * against its own clock) must therefore use the real time too. Outside faketime both clocks are one.
 */

/** The environment without libfaketime, for children that must see the real clock. */
export const realClockEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (name === 'LD_PRELOAD' || name.startsWith('FAKETIME') || name === 'DONT_FAKE_MONOTONIC') continue;
    clean[name] = value;
  }
  return clean;
};

const faked = (env: NodeJS.ProcessEnv = process.env) =>
  Object.keys(env).some((name) => name.startsWith('FAKETIME')) || /faketime/.test(env.LD_PRELOAD ?? '');

/** Milliseconds to add to this process's clock to read the Go peers' clock (0 unless faked). */
export const goPeerClockOffsetMs = async (): Promise<number> => {
  if (!faked()) return 0;
  const before = Date.now();
  const { stdout } = await promisify(execFile)('date', ['+%s%3N'], { env: realClockEnv() });
  const after = Date.now();
  return Number(stdout.trim()) - Math.round((before + after) / 2);
};
