import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runTimed } from '../../test/helpers/timed-child.ts';

/**
 * The floor every latency is compared with: the git CLI doing the same work by hand, as a shell
 * script — HEAD for the digest (curl, all four manifest types accepted), `git clone --depth 1`, find
 * the marked files (`grep -rl`), edit the line (sed), commit, push. Scratch on tmpfs.
 */

export interface FloorInput {
  /** `http://127.0.0.1:<port>` of the registry. */
  readonly registryUrl: string;
  /** Repository in the registry, e.g. `bench/app`. */
  readonly repository: string;
  readonly tag: string;
  /** Image name written before `:tag@digest`, e.g. `127.0.0.1:5000/bench/app`. */
  readonly imageName: string;
  /** `namespace:name` in the marker comment. */
  readonly policy: string;
  readonly gitUrl: string;
  readonly branch?: string;
  /** A scratch directory (tmpfs) for the clone; a subdirectory is made and removed per run. */
  readonly scratch: string;
}

export interface FloorRun {
  readonly wallMs: number;
  readonly maxRssKb: number;
  /** Step → ms. */
  readonly steps: Readonly<Record<'head' | 'clone' | 'edit' | 'commit' | 'push', number>>;
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

// Plain string (no template literal): the shell's own `$` must reach bash untouched.
const SCRIPT = [
  'set -euo pipefail',
  'stamp() { echo "$1 $EPOCHREALTIME" >> "$TIMES"; }',
  'stamp start',
  'digest=$(curl -sfI -H "Accept: $ACCEPT" "$REGISTRY/v2/$REPOSITORY/manifests/$TAG" | tr -d "\\r" | awk \'tolower($1)=="docker-content-digest:"{print $2}\')',
  'test -n "$digest"',
  'stamp head',
  'git clone -q --depth 1 --single-branch -b "$BRANCH" "$GIT_URL" "$DIR"',
  'stamp clone',
  'cd "$DIR"',
  'grep -rlF --exclude-dir=.git "\\"\\$imagepolicy\\": \\"$POLICY\\"" . | xargs -r sed -i "/\\"\\$imagepolicy\\": \\"$POLICY\\"/s#image: [^ ]*#image: $IMAGE:$TAG@$digest#"',
  'stamp edit',
  'git -c user.name=floor -c user.email=floor@example.com commit -qam "Update $IMAGE to $TAG"',
  'stamp commit',
  'git push -q origin "$BRANCH"',
  'stamp push',
].join('\n');

export const runGitFloor = async (input: FloorInput): Promise<FloorRun> => {
  const dir = await mkdtemp(join(input.scratch, 'floor-'));
  const times = join(dir, 'times');
  try {
    const run = await runTimed('bash', ['-c', SCRIPT], {
      env: {
        PATH: process.env.PATH,
        LANG: 'C',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        TIMES: times,
        ACCEPT,
        REGISTRY: input.registryUrl,
        REPOSITORY: input.repository,
        TAG: input.tag,
        IMAGE: input.imageName,
        POLICY: input.policy,
        GIT_URL: input.gitUrl,
        BRANCH: input.branch ?? 'main',
        DIR: join(dir, 'clone'),
      },
    });
    const stamps = new Map(
      (await readFile(times, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => {
          const [name = '', at = '0'] = line.split(' ');
          return [name, Number(at) * 1000] as const;
        }),
    );
    const step = (from: string, to: string) => (stamps.get(to) ?? 0) - (stamps.get(from) ?? 0);
    return {
      wallMs: run.wallMs,
      maxRssKb: run.maxRssKb,
      steps: {
        head: step('start', 'head'),
        clone: step('head', 'clone'),
        edit: step('clone', 'edit'),
        commit: step('edit', 'commit'),
        push: step('commit', 'push'),
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
