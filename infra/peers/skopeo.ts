import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOciLayout } from './oci-image.ts';
import { scratchDir } from './scratch-dir.ts';

const run = promisify(execFile);

/** Where to push: a RegistryServer, or any `{ host }` with optional credentials. */
export interface PushTarget {
  readonly host: string;
  readonly username?: string;
  readonly password?: string;
  /** A scratch dir that outlives the push (RegistryServer.dir): layouts are cached there per marker. */
  readonly dir?: string;
}

export interface PushImageOptions {
  readonly repository: string;
  readonly tag: string;
  readonly mode?: 'single' | 'multi';
  /** Content marker; defaults to the tag, so each tag is a different image unless markers say otherwise. */
  readonly marker?: string;
}

// One build-and-push at a time per layout directory: skopeo reads the index.json that builds rewrite.
const layoutLocks = new Map<string, Promise<unknown>>();

const serialized = <T>(key: string, work: () => Promise<T>): Promise<T> => {
  const previous = layoutLocks.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  layoutLocks.set(
    key,
    next.catch(() => undefined),
  );
  return next;
};

/**
 * Pushes a deterministic image (see oci-image.ts) with `skopeo copy` (`--all` for a multi-arch index, so the
 * index itself is pushed) and returns the digest the registry now serves for `repository:tag`, as skopeo
 * reports it (`--digestfile`).
 *
 * @example
 * const digest = await pushImage(registry, { repository: 'team/app', tag: '1.2.3' });
 */
export const pushImage = async (registry: PushTarget, options: PushImageOptions): Promise<string> => {
  const mode = options.mode ?? 'single';
  const marker = options.marker ?? options.tag;
  const temporary = registry.dir === undefined ? await scratchDir('ia-oci-') : undefined;
  const base = registry.dir ?? temporary?.path ?? '';
  const layout = join(
    base,
    'layouts',
    `${mode}-${createHash('sha256').update(marker).digest('hex').slice(0, 16)}`,
  );
  try {
    return await serialized(layout, async () => {
      await buildOciLayout(layout, { tag: options.tag, mode, marker });
      const digestFile = join(base, `digest-${process.pid}-${Math.random().toString(36).slice(2)}`);
      const args = [
        '--insecure-policy',
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        '--digestfile',
        digestFile,
      ];
      if (mode === 'multi') args.push('--all');
      if (registry.username !== undefined)
        args.push('--dest-creds', `${registry.username}:${registry.password ?? ''}`);
      args.push(
        `oci:${layout}:${options.tag}`,
        `docker://${registry.host}/${options.repository}:${options.tag}`,
      );
      try {
        await run('skopeo', args, { timeout: 60_000 });
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr ?? '';
        throw new Error(
          `skopeo copy to ${registry.host}/${options.repository}:${options.tag} failed: ${stderr.trim()}`,
          {
            cause: error,
          },
        );
      }
      const digest = (await readFile(digestFile, 'utf8')).trim();
      await rm(digestFile, { force: true });
      return digest;
    });
  } finally {
    await temporary?.remove();
  }
};
