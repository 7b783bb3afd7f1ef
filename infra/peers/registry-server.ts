import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { freePort } from './free-port.ts';
import { startTokenServer, type TokenServer } from './registry-token-server.ts';
import { scratchDir } from './scratch-dir.ts';
import { answers, startService } from './service-process.ts';

/**
 * A real CNCF distribution registry (`docker-registry` 2.8.2 from apt) on a free 127.0.0.1 port, storage
 * in a scratch dir, optionally behind htpasswd or token auth and sending push notifications
 * (shared/reference/real-components.md §1). `stop()` ends every process it started and removes the data.
 */
export interface RegistryServer {
  /** `127.0.0.1:<port>`: what image names and RegistryRepository.registry use. */
  readonly host: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Scratch directory of this registry (config, data, image layouts); removed by `stop()`. */
  readonly dir: string;
  /** Present with `auth: 'token'`: the token service, its realm and the requests it saw. */
  readonly tokenServer?: TokenServer;
  /** Registry log so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  readonly auth?: 'none' | 'htpasswd' | 'token';
  /** Notification endpoint; only manifest pushes and deletes are sent (blob and pull events ignored). */
  readonly notify?: { readonly url: string; readonly headers?: Readonly<Record<string, string[]>> };
  /** Defaults: `ci-user` / `ci-pass`. */
  readonly username?: string;
  readonly password?: string;
  /** Identity tokens the token service accepts (refresh-token grant) for `username`. */
  readonly identityTokens?: readonly string[];
}

const run = promisify(execFile);

export const startRegistry = async (options: StartRegistryOptions = {}): Promise<RegistryServer> => {
  const auth = options.auth ?? 'none';
  const username = options.username ?? 'ci-user';
  const password = options.password ?? 'ci-pass';
  const scratch = await scratchDir('ia-registry-');
  let tokenServer: TokenServer | undefined;
  try {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    await mkdir(join(scratch.path, 'data'));
    const config: Record<string, unknown> = {
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: {
        filesystem: { rootdirectory: join(scratch.path, 'data') },
        delete: { enabled: true },
        cache: { blobdescriptor: 'inmemory' },
        maintenance: { uploadpurging: { enabled: false } },
      },
      http: {
        addr: host,
        secret: randomBytes(16).toString('hex'),
        headers: { 'X-Content-Type-Options': ['nosniff'] },
      },
    };
    if (auth === 'htpasswd') {
      // Bcrypt (-B) is the only hash distribution accepts.
      const { stdout } = await run('htpasswd', ['-Bbn', username, password]);
      await writeFile(join(scratch.path, 'htpasswd'), stdout);
      config.auth = { htpasswd: { realm: 'test-realm', path: join(scratch.path, 'htpasswd') } };
    } else if (auth === 'token') {
      const refreshTokens = Object.fromEntries(
        (options.identityTokens ?? []).map((token) => [token, username]),
      );
      tokenServer = await startTokenServer({
        dir: scratch.path,
        users: { [username]: password },
        refreshTokens,
      });
      config.auth = {
        token: {
          realm: tokenServer.realm,
          service: tokenServer.service,
          issuer: tokenServer.issuer,
          rootcertbundle: tokenServer.certificatePath,
        },
      };
    }
    if (options.notify) {
      config.notifications = {
        events: { includereferences: true },
        endpoints: [
          {
            name: 'test-sink',
            url: options.notify.url,
            headers: options.notify.headers ?? {},
            timeout: '1s',
            threshold: 3,
            backoff: '200ms',
            // Verified on 2.8.2: drops blob and pull events, leaving manifest pushes and deletes.
            ignore: { mediatypes: ['application/octet-stream'], actions: ['pull'] },
          },
        ],
      };
    }
    const configPath = join(scratch.path, 'config.yml');
    await writeFile(configPath, stringify(config));
    const url = `http://${host}`;
    const service = await startService('docker-registry', ['serve', configPath], {
      cwd: scratch.path,
      ready: () => answers(`${url}/v2/`),
    });
    const started = tokenServer;
    return {
      host,
      url,
      ...(auth === 'none' ? {} : { username, password }),
      dir: scratch.path,
      ...(started ? { tokenServer: started } : {}),
      output: service.output,
      stop: async () => {
        await service.stop();
        await started?.stop();
        await scratch.remove();
      },
    };
  } catch (error) {
    await tokenServer?.stop();
    await scratch.remove();
    throw error;
  }
};
