// Lambda budgets (issue 4): each function's zip size, and its cold module initialisation — the
// require() of the bundled handler from the unzipped package in a fresh Node 22 process, as the
// nodejs22.x runtime loads a CommonJS handler — as the median of several runs, wall clock and CPU.
// The worker is also timed to its first invocation (an empty batch: runtime built, configuration
// loaded and validated, no network). Budgets: zip ≤ 1 MiB, cold init ≤ 150 ms. Reported, not asserted.
//
//   npm run bench:lambda [-- --runs 9]
import { execFile } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { scratchDir } from '../infra/peers/scratch-dir.ts';
import { FUNCTIONS, PACKAGE_PARAMS, packageService, ROOT } from '../test/helpers/packaged-service.ts';

const run = promisify(execFile);
const ZIP_BUDGET = 1024 * 1024;
const INIT_BUDGET_MS = 150;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

// Runs in the child: time require() (and optionally one invocation) with wall clock and CPU time.
const PROBE = `
const [file, invoke] = process.argv.slice(1);
const c0 = process.cpuUsage(); const t0 = performance.now();
const { handler } = require(file);
const measure = () => { const c = process.cpuUsage(c0); return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 }; };
const init = measure();
if (!invoke) { process.stdout.write('\\n' + JSON.stringify({ init })); process.exit(0); }
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 60000 };
handler(JSON.parse(invoke), context).then((result) => {
  process.stdout.write('\\n' + JSON.stringify({ init, first: measure(), result }));
  process.exit(0);
});
`;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const probe = async (handler: string, env: NodeJS.ProcessEnv, event?: unknown) => {
  const args = ['-e', PROBE, handler, ...(event === undefined ? [] : [JSON.stringify(event)])];
  const { stdout } = await run(process.execPath, args, { env, maxBuffer: 16 * 1024 * 1024 });
  const last = stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as { init: Timing; first?: Timing; result?: unknown };
};

const main = async () => {
  const service = await packageService();
  const scratch = await scratchDir('ia-bench-lambda-');
  const rows: string[] = [];
  try {
    for (const name of FUNCTIONS) {
      const dir = join(scratch.path, name);
      const handler = await service.extract(name, dir);
      const zip = (await stat(service.zipPath(name))).size;
      const bundle = (await stat(handler)).size;
      const env = {
        PATH: process.env.PATH ?? '',
        LAMBDA_TASK_ROOT: dir,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIAFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        IMAGE_AUTOMATION_CONFIG: PACKAGE_PARAMS.config,
        IMAGE_AUTOMATION_STATE_TABLE: 'bench-state',
        IMAGE_AUTOMATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench.fifo',
        IMAGE_AUTOMATION_LOG_LEVEL: 'error',
        POWERTOOLS_METRICS_DISABLED: 'true',
      };
      const event = name === 'worker' ? { Records: [] } : undefined;
      const samples = [];
      for (let i = 0; i < RUNS; i++) samples.push(await probe(handler, env, event));
      const initWall = median(samples.map((s) => s.init.wall));
      const initCpu = median(samples.map((s) => s.init.cpu));
      const first = event ? median(samples.map((s) => s.first?.wall ?? Number.NaN)) : undefined;
      const verdict = [
        zip <= ZIP_BUDGET ? 'zip ok' : 'zip OVER',
        initWall <= INIT_BUDGET_MS
          ? 'init ok'
          : initCpu <= INIT_BUDGET_MS
            ? 'init ok on CPU, over on wall'
            : 'init OVER',
      ].join(', ');
      rows.push(
        `| ${name} | ${(zip / 1024).toFixed(0)} KiB | ${(bundle / 1024).toFixed(0)} KiB | ${initWall.toFixed(0)} ms | ${initCpu.toFixed(0)} ms | ${first === undefined ? '–' : `${first.toFixed(0)} ms`} | ${verdict} |`,
      );
      console.error(`${name}: done`);
    }
  } finally {
    await scratch.remove();
  }
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} (load average ${loadavg()[0]?.toFixed(1)} at the end; wall clock grows with contention, CPU time much less), Node ${process.versions.node}, median of ${RUNS} fresh processes each. Budgets: zip ≤ 1024 KiB, cold init (require of the bundled handler) ≤ ${INIT_BUDGET_MS} ms.`,
    '',
    '| function | zip | bundle | cold init (wall) | cold init (CPU) | to first invocation | budgets |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(table);
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(join(ROOT, 'bench/results/lambda-budgets.md'), `${table}\n`);
  console.error('written to bench/results/lambda-budgets.md');
};

await main();
