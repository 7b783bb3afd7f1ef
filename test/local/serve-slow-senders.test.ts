import { writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { httpServerDefaults, startHttpServer } from '../../lib/local/http-server.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { serveInProcess } from '../helpers/serve-in-process.ts';

const TOKEN = 'slow-senders-token';
const REAL_PATH = hookPath(TOKEN, 'registry', 'apps');
const MADE_UP_PATH = `/hook/${'0'.repeat(64)}`;

/** A raw connection that sends headers and part of a body, then nothing: a slow (or hostile) sender. */
const slowSender = (url: URL, path: string, localAddress = '127.0.0.2') => {
  const socket: Socket = connect({ host: url.hostname, port: Number(url.port), localAddress });
  let answer = '';
  const closed = new Promise<string>((resolve) => {
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
  });
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"ev`,
  );
  const status = async () => Number(/^HTTP\/1\.1 (\d{3})/.exec(await closed)?.[1] ?? 0);
  return { socket, closed, status };
};

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms),
    ),
  ]);

describe('serve: slow and hostile senders', () => {
  let work: { path: string; remove: () => Promise<void> };
  let url: URL;
  let serve: Awaited<ReturnType<typeof serveInProcess>>;

  beforeAll(async () => {
    work = await scratchDir('ia-serve-slow-');
    const config = join(work.path, 'fleet.yaml');
    await writeFile(
      config,
      fleetManifests({
        gitUrl: 'http://127.0.0.1:1/fleet.git',
        policies: [{ name: 'web', image: 'ghcr.io/acme/web' }],
        extra: [
          `apiVersion: v1\nkind: Secret\nmetadata: {name: hook, namespace: apps}\nstringData: {token: ${TOKEN}}`,
          `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: registry, namespace: apps}
spec:
  type: generic
  secretRef: {name: hook}
  resources: [{kind: ImageRepository, name: web}]`,
        ],
      }),
    );
    serve = await serveInProcess(config, join(work.path, 'state'));
    url = new URL(serve.url);
  });
  afterAll(async () => {
    expect(await serve?.stop()).toBe(0);
    await work?.remove();
  });

  it('refuses a made-up hook path before reading its body, and health and real webhooks still answer', async () => {
    // More slow senders to made-up paths than the server's whole concurrency limit.
    const madeUp = Array.from({ length: httpServerDefaults.maxConcurrent + 44 }, () =>
      slowSender(url, MADE_UP_PATH),
    );
    // And more to the real path, from the same address, than one address may hold.
    const real = Array.from({ length: httpServerDefaults.maxPerAddress + 8 }, () =>
      slowSender(url, REAL_PATH),
    );
    try {
      // Every made-up path is answered 404 without waiting for its body (the connection is closed).
      const madeUpStatuses = await within(Promise.all(madeUp.map((s) => s.status())), 5000, 'made-up paths');
      expect(new Set(madeUpStatuses)).toEqual(new Set([404]));
      // The senders beyond the per-address limit are refused at once; the others are still being read.
      const refused = await within(
        Promise.all(real.slice(httpServerDefaults.maxPerAddress).map((s) => s.status())),
        5000,
        'senders over the per-address limit',
      );
      expect(new Set(refused)).toEqual(new Set([429]));

      const health = await within(fetch(`${url.origin}/healthz`), 5000, '/healthz');
      expect(health.status).toBe(200);
      const webhook = await within(
        fetch(`${url.origin}${REAL_PATH}`, {
          method: 'POST',
          body: '{}',
          headers: { 'x-delivery-id': 'one' },
        }),
        5000,
        'a real webhook from another address',
      );
      expect(webhook.status).toBe(202);
    } finally {
      for (const sender of [...madeUp, ...real]) sender.socket.destroy();
    }
  });
});

describe('local HTTP server: body timeout', () => {
  it('answers 408 and closes the connection when a body does not arrive in time', async () => {
    const digest = 'a'.repeat(64);
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      bodyTimeoutMs: 300,
      logger: silentLogger,
      health: () => ({}),
      webhook: {
        receivers: () => new Map([[digest, {} as never]]),
        ingest: async () => {
          throw new Error('never reached');
        },
        logger: silentLogger,
      },
    });
    try {
      const sender = slowSender(new URL(server.url), `/hook/${digest}`, '127.0.0.1');
      expect(await within(sender.status(), 5000, 'the slow sender')).toBe(408);
    } finally {
      await server.close();
    }
  });
});
