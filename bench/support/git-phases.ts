import { createIsomorphicGitClient } from '../../lib/adapters/git/isomorphic-git-client.ts';
import { rewriteTree } from '../../lib/app/rewrite-tree.ts';
import { buildSetters } from '../../lib/domain/markers/setters.ts';

/**
 * One reconcile's Git work, phase by phase, in a child process of its own (so its peak RSS is its
 * own): checkout (the native fetch), scan and rewrite, commit, push.
 *
 * Usage: node bench/support/git-phases.ts <git url> <namespace:policy> <new image ref>
 */

export interface GitPhases {
  readonly checkoutMs: number;
  readonly scanMs: number;
  readonly commitMs: number;
  readonly pushMs: number;
  readonly changes: number;
}

const main = async () => {
  const [url = '', policy = '', image = ''] = process.argv.slice(2);
  const [namespace = '', name = ''] = policy.split(':');
  const at = image.lastIndexOf(':');
  const git = createIsomorphicGitClient();
  const t0 = performance.now();
  const ws = await git.checkout({ url, credentials: { kind: 'anonymous' }, branch: 'main' });
  try {
    const t1 = performance.now();
    const setters = buildSetters([
      { namespace, name, latestRef: { name: image.slice(0, at), tag: image.slice(at + 1) } },
    ]);
    const result = await rewriteTree(ws, setters);
    const t2 = performance.now();
    await ws.commit({
      message: 'bench',
      author: { name: 'bench', email: 'bench@example.com', timestamp: 1 },
    });
    const t3 = performance.now();
    await ws.push();
    const t4 = performance.now();
    const phases: GitPhases = {
      checkoutMs: t1 - t0,
      scanMs: t2 - t1,
      commitMs: t3 - t2,
      pushMs: t4 - t3,
      changes: result.changes.length,
    };
    process.stdout.write(`${JSON.stringify(phases)}\n`);
  } finally {
    await ws.dispose();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await main();
