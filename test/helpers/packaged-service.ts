import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readZip } from './read-zip.ts';

/**
 * `serverless package` (osls + serverless-esbuild) run offline, once per change of its inputs: the
 * output in `.serverless/` is reused while a hash of serverless.yml, infra/, functions/, lib/,
 * package-lock.json and the parameters is unchanged, and a lock directory keeps two test files from
 * packaging at the same time. No AWS account: fake credentials, a fixed region, telemetry off.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SERVERLESS_DIR = join(ROOT, '.serverless');
export const FUNCTIONS = ['webhook', 'ecrEvent', 'worker', 'sweep'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** The parameters the tests package with (README: deploy parameters). */
export const PACKAGE_PARAMS = Object.freeze({
  config: 'test/fixtures/config/fleet',
  ecrRoleArns:
    'arn:aws:iam::210987654321:role/tenant-a-ecr-read,arn:aws:iam::210987654321:role/tenant-b-ecr-read',
});
export const PACKAGE_STAGE = 'ci';
export const PACKAGE_REGION = 'eu-west-1';

const run = promisify(execFile);
const INPUTS = ['serverless.yml', 'package-lock.json', 'infra', 'functions', 'lib'];
const LOCK = join(ROOT, '.serverless.lock');
const MARKER = join(SERVERLESS_DIR, '.inputs-sha256');

const filesUnder = async (path: string): Promise<string[]> => {
  const info = await stat(path).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries.filter((e) => e.name !== 'node_modules').map((e) => filesUnder(join(path, e.name))),
  );
  return nested.flat();
};

const inputsHash = async (): Promise<string> => {
  const hash = createHash('sha256').update(JSON.stringify({ PACKAGE_PARAMS, PACKAGE_STAGE, PACKAGE_REGION }));
  const files = (await Promise.all(INPUTS.map((p) => filesUnder(join(ROOT, p))))).flat().sort();
  for (const file of files)
    hash
      .update(relative(ROOT, file))
      .update('\0')
      .update(await readFile(file));
  return hash.digest('hex');
};

const withLock = async <T>(work: () => Promise<T>): Promise<T> => {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const age = Date.now() - ((await stat(LOCK).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) await rm(LOCK, { recursive: true, force: true }); // left by a killed run
      if (Date.now() > deadline) throw new Error(`${LOCK} is held by another packaging run`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
};

/** The environment osls packages in: offline, credentials that reach nothing. */
export const packagingEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake',
  AWS_REGION: PACKAGE_REGION,
});

/** A CloudFormation resource as the tests read it: untyped JSON below `Properties`. */
export interface TemplateResource {
  readonly Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: a generated template is untyped JSON; tests assert on its shape.
  readonly Properties?: any;
  readonly DependsOn?: unknown;
}

export interface PackagedService {
  readonly template: { Conditions?: Record<string, unknown>; Resources: Record<string, TemplateResource> };
  readonly templateText: string;
  /** Whether this call ran osls (false when the cached output was still valid). */
  readonly packaged: boolean;
  zipPath(name: FunctionName): string;
  /** The files of a function's zip, by path. */
  zipEntries(name: FunctionName): Promise<Map<string, Buffer>>;
  /** Writes a function's zip into `dir` and returns the path of its handler module. */
  extract(name: FunctionName, dir: string): Promise<string>;
}

export const packageService = async (): Promise<PackagedService> => {
  const packaged = await withLock(async () => {
    const hash = await inputsHash();
    const cached =
      existsSync(MARKER) &&
      (await readFile(MARKER, 'utf8')) === hash &&
      FUNCTIONS.every((f) => existsSync(join(SERVERLESS_DIR, `${f}.zip`)));
    if (cached) return false;
    const params = Object.entries(PACKAGE_PARAMS).map(([k, v]) => `--param=${k}=${v}`);
    try {
      await run(
        process.execPath,
        [join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', PACKAGE_STAGE, ...params],
        { cwd: ROOT, env: packagingEnv(), timeout: 5 * 60_000, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`serverless package failed:\n${stdout}\n${stderr}`, { cause: error });
    }
    await writeFile(MARKER, hash);
    return true;
  });
  const templateText = await readFile(
    join(SERVERLESS_DIR, 'cloudformation-template-update-stack.json'),
    'utf8',
  );
  const zipPath = (name: FunctionName) => join(SERVERLESS_DIR, `${name}.zip`);
  const handlerFile = (name: FunctionName) =>
    `functions/${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.js`;
  return {
    template: JSON.parse(templateText),
    templateText,
    packaged,
    zipPath,
    zipEntries: (name) => readZip(zipPath(name)),
    async extract(name, dir) {
      for (const [path, content] of await readZip(zipPath(name))) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      return join(dir, handlerFile(name));
    },
  };
};
