import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpClient } from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { applyGitDelta } from '../../../lib/adapters/git/git-delta.ts';
import { createIsomorphicGitClient } from '../../../lib/adapters/git/isomorphic-git-client.ts';
import { indexPack } from '../../../lib/adapters/git/pack-index.ts';
import { pktLine } from '../../../lib/adapters/git/pkt-line.ts';
import { parseTreeObject } from '../../../lib/adapters/git/tree-object.ts';

const TOKEN = '"$imagepolicy"';

/** 300 similar YAML files (so `git gc` deltifies them), every 50th with a marker. */
const files = (): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = 0; i < 300; i++) {
    const marker = i % 50 === 0 ? ` # {"$imagepolicy": "apps:svc-${i}"}` : '';
    out[`apps/group-${Math.floor(i / 100)}/svc-${i}.yaml`] =
      `kind: Deployment\nmetadata: {name: svc-${i}}\nspec:\n  replicas: ${i % 3}\n  image: example.com/svc-${i}:1.${i}.0${marker}\n${'  # padding line\n'.repeat(20)}`;
  }
  out['bin/run.sh'] = '#!/bin/sh\necho hi\n';
  return out;
};

describe('native pack indexing (pack-index.ts)', () => {
  let server: GitServer;
  let pack: Buffer;
  let gitIdx: Buffer;
  beforeAll(async () => {
    server = await startGitServer();
    await server.createRepo('packed', files(), { executable: ['bin/run.sh'] });
    await server.git('packed', ['gc', '-q']);
    const dir = join(server.bareDir('packed'), 'objects', 'pack');
    const name = (await readdir(dir)).find((f) => f.endsWith('.pack')) as string;
    pack = await readFile(join(dir, name));
    gitIdx = await readFile(join(dir, name.replace(/\.pack$/, '.idx')));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('writes the same idx v2 file as git index-pack, byte for byte', async () => {
    const indexed = await indexPack(pack);
    expect(indexed.idx.equals(gitIdx)).toBe(true);
    expect(indexed.objects).toBe(pack.readUInt32BE(8));
  });

  it('reads every object as git does, deltas resolved', async () => {
    const indexed = await indexPack(pack, { cacheBytes: 4096 }); // a tiny cache: chains are re-resolved
    const listing = await server.git('packed', ['cat-file', '--batch-all-objects', '--batch-check']);
    const objects = listing
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string, string]);
    expect(objects.length).toBe(indexed.objects);
    for (const [oid, type, size] of objects) {
      const object = indexed.reader.read(oid);
      expect([object.type, object.content.length]).toEqual([type, Number(size)]);
    }
    const blob = objects.find(([, type]) => type === 'blob')?.[0] as string;
    expect(indexed.reader.read(blob).content.toString()).toBe(
      await server.git('packed', ['cat-file', 'blob', blob]),
    );
  });

  it('parses trees as isomorphic-git does (normalised modes, executable bit kept)', async () => {
    const indexed = await indexPack(pack);
    const root = (await server.git('packed', ['rev-parse', 'main^{tree}'])).trim();
    const entries = parseTreeObject(indexed.reader.read(root).content);
    expect(entries.map((e) => [e.path, e.mode, e.type])).toEqual([
      ['apps', '040000', 'tree'],
      ['bin', '040000', 'tree'],
    ]);
    const bin = parseTreeObject(indexed.reader.read(entries[1]?.oid as string).content);
    expect(bin).toEqual([expect.objectContaining({ path: 'run.sh', mode: '100755', type: 'blob' })]);
  });

  it('records which blobs contain a screening token while indexing', async () => {
    const indexed = await indexPack(pack, { screenTokens: [TOKEN] });
    const marked = [...(indexed.blobsContaining.get(TOKEN) ?? [])].sort();
    const expected: string[] = [];
    for (const [path, text] of Object.entries(files()))
      if (text.includes(TOKEN))
        expected.push((await server.git('packed', ['rev-parse', `main:${path}`])).trim());
    expect(marked).toEqual(expected.sort());
  });

  it('refuses a truncated or corrupt pack instead of indexing part of it', async () => {
    await expect(indexPack(pack.subarray(0, pack.length - 100))).rejects.toThrow(/checksum/);
    const corrupt = Buffer.from(pack);
    corrupt[100] = (corrupt[100] ?? 0) ^ 0xff;
    await expect(indexPack(corrupt)).rejects.toThrow(/checksum/);
  });
});

describe('applyGitDelta', () => {
  it('copies from the base and inserts literals', () => {
    const base = Buffer.from('hello world');
    // source 11, target 12; copy offset 0 len 6 ("hello "), insert "there!"
    const delta = Buffer.from([11, 12, 0x90, 6, 6, ...Buffer.from('there!')]);
    expect(applyGitDelta(delta, base).toString()).toBe('hello there!');
  });

  it('refuses a copy outside the base (a hostile pack must not read other memory)', () => {
    const delta = Buffer.from([3, 10, 0x91, 0, 10]);
    expect(() => applyGitDelta(delta, Buffer.from('abc'))).toThrow(/outside/);
  });
});

describe('checkout through the native fetch', () => {
  let server: GitServer;
  beforeAll(async () => {
    server = await startGitServer();
    await server.createRepo('fleet', files());
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers pathsContaining from the screening, and from pending writes', async () => {
    const git = createIsomorphicGitClient();
    const ws = await git.checkout({
      url: server.url('fleet'),
      credentials: { kind: 'anonymous' },
      branch: 'main',
    });
    try {
      const paths = (await ws.listFiles('')).map((f) => f.path);
      const marked = [...((await ws.pathsContaining?.(paths, TOKEN)) ?? [])];
      expect(marked).toEqual(Object.keys(files()).filter((p) => (files()[p] as string).includes(TOKEN)));
      await ws.writeFile(
        'apps/group-0/svc-1.yaml',
        new TextEncoder().encode(`x: 1 # {"$imagepolicy": "a:b"}\n`),
      );
      expect(
        await ws.pathsContaining?.(['apps/group-0/svc-1.yaml', 'apps/group-0/svc-2.yaml'], TOKEN),
      ).toEqual(new Set(['apps/group-0/svc-1.yaml']));
      // Reads come from the pack and are copies: changing one does not change the next.
      const first = await ws.readFile('apps/group-0/svc-3.yaml');
      first.fill(0);
      expect(new TextDecoder().decode(await ws.readFile('apps/group-0/svc-3.yaml'))).toBe(
        files()['apps/group-0/svc-3.yaml'],
      );
    } finally {
      await ws.dispose();
    }
  });

  it('gives the commit and every file as git has them', async () => {
    const native = await createIsomorphicGitClient().checkout({
      url: server.url('fleet'),
      credentials: { kind: 'anonymous' },
      branch: 'main',
    });
    try {
      expect(native.baseCommit).toBe((await server.git('fleet', ['rev-parse', 'main'])).trim());
      const listed = (await server.git('fleet', ['ls-tree', '-r', '--name-only', 'main'])).trim().split('\n');
      const paths = (await native.listFiles('')).map((f) => f.path);
      expect([...paths].sort()).toEqual([...listed].sort());
      for (const path of paths)
        expect(new TextDecoder().decode(await native.readFile(path))).toBe(files()[path]);
    } finally {
      await native.dispose();
    }
  });
});

describe('native fetch: the server refuses the fetch itself', () => {
  it('turns an upload-pack ERR (a force-push between advertisement and fetch) into a retryable UpstreamError', async () => {
    const oid = 'a'.repeat(40);
    const body = (text: string) =>
      (async function* () {
        yield Buffer.from(text);
      })();
    const http: HttpClient = {
      request: async ({ url, method }) => ({
        url,
        method,
        statusCode: 200,
        statusMessage: 'OK',
        headers: {},
        body:
          method === 'POST'
            ? body(pktLine('ERR upload-pack: not our ref aaaa\n').toString())
            : body(
                `${pktLine('# service=git-upload-pack\n')}0000${pktLine(`${oid} refs/heads/main\0shallow side-band-64k ofs-delta\n`)}0000`,
              ),
      }),
    };
    const error = await createIsomorphicGitClient({ http })
      .checkout({
        url: 'https://bot:secret@git.example.com/r.git',
        credentials: { kind: 'anonymous' },
        branch: 'main',
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'Upstream',
      retryable: true,
      data: { branch: 'main', operation: 'checkout' },
    });
    expect((error as Error).message).toContain('not our ref');
    expect(JSON.stringify(error)).not.toContain('secret');
  });
});
