/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run, then the
 * results in bench/results/<date>.md and the README's table (between the bench markers).
 *
 * Usage: npm run bench [-- --only 1,3]
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { burstBench } from './burst.ts';
import { markerScanBench } from './marker-scan.ts';
import { pushToCommitBench } from './push-to-commit.ts';
import { registryCallsBench } from './registry-calls.ts';
import { repositorySizeBench } from './repository-size.ts';
import { describeMachine, machineLine } from './support/machine.ts';
import { type BenchResult, goalLine, renderResult } from './support/report.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const lambdaBudgets = fileURLToPath(new URL('./lambda-budgets.ts', import.meta.url));

interface Bench {
  readonly id: string;
  readonly run: () => Promise<BenchResult>;
}

/**
 * Benchmark 5 belongs to the Lambda work: bench/lambda-budgets.ts (`npm run bench:lambda`). When it is
 * there it runs as its own process and its Markdown output is included as it prints it.
 */
const lambdaBench = async (): Promise<BenchResult | undefined> => {
  if (!existsSync(lambdaBudgets)) return undefined;
  const { stdout } = await run(process.execPath, [lambdaBudgets], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  return {
    id: '5',
    title: 'Cold start and size (Lambda bundles, bench/lambda-budgets.ts)',
    body: stdout.trim(),
    goals: [],
  };
};

const benches: readonly Bench[] = [
  { id: '1', run: () => pushToCommitBench() },
  { id: '2', run: () => repositorySizeBench() },
  { id: '3', run: () => markerScanBench() },
  { id: '4', run: () => burstBench() },
  { id: '5', run: async () => (await lambdaBench()) ?? { id: '5', title: 'skipped', body: '', goals: [] } },
  { id: '6', run: () => registryCallsBench() },
];

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const main = async () => {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined;
  const machine = describeMachine();
  const date = new Date().toISOString().slice(0, 10);
  const loadBefore = load();
  process.stdout.write(`benchmarks on ${machineLine(machine)} (load average ${loadBefore})\n\n`);
  const results: BenchResult[] = [];
  for (const bench of benches) {
    if (only && !only.has(bench.id)) continue;
    const started = performance.now();
    let result: BenchResult;
    try {
      result = await bench.run();
    } catch (error) {
      result = {
        id: bench.id,
        title: 'failed to run',
        body: `\`\`\`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\`\`\``,
        goals: [{ text: 'the benchmark ran', met: false, measured: 'it failed' }],
      };
    }
    if (result.title === 'skipped') continue;
    results.push(result);
    process.stdout.write(
      `${renderResult(result)}(${Math.round((performance.now() - started) / 1000)} s)\n\n`,
    );
  }
  const loadAfter = load();
  const header = [
    `Measured ${date} on ${machineLine(machine)}.`,
    `Load average ${loadBefore} at the start, ${loadAfter} at the end: every ratio compares figures taken in the same run, on the same peers (registry, git http-backend) on 127.0.0.1, scratch on tmpfs.`,
  ].join(' ');
  const goals = results.flatMap((r) => r.goals.map((g) => `${goalLine(g).replace(/^- /, `- ${r.id}. `)}`));
  const report = [
    `# Benchmarks, ${date}`,
    '',
    header,
    '',
    '## Goals',
    '',
    ...goals,
    '',
    ...results.map((r) => renderResult(r)),
  ].join('\n');
  const resultsDir = `${root}/bench/results`;
  await mkdir(resultsDir, { recursive: true });
  // A partial run (--only) must not replace the day's full results.
  const name = only ? `${date}-only-${[...only].join('-')}` : date;
  await writeFile(`${resultsDir}/${name}.md`, report);

  if (!only) {
    const readmePath = `${root}/README.md`;
    const readme = await readFile(readmePath, 'utf8');
    const start = '<!-- bench:start -->';
    const end = '<!-- bench:end -->';
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    if (from >= 0 && to > from) {
      const section = [
        start,
        `\`npm run bench\` (details: [bench/results/${date}.md](bench/results/${date}.md)). ${header}`,
        '',
        ...goals,
        '',
        ...results.map((r) => renderResult(r, { goals: false }).replace(/^### /, '#### ')),
        end,
      ].join('\n');
      await writeFile(readmePath, `${readme.slice(0, from)}${section}${readme.slice(to + end.length)}`);
    }
  }
  process.stdout.write(`results: bench/results/${name}.md${only ? '' : ' and README.md'}\n`);
};

await main();
