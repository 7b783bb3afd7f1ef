import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigIssue } from '../../domain/flux/config-issue.ts';
import { configIssue } from '../../domain/flux/config-issue.ts';
import type { ManifestFile } from '../../domain/flux/walk-manifests.ts';
import type { ManifestFilesRead } from '../../ports/manifest-reader.ts';

/**
 * Reads Flux manifests from disk: one file as given, or every `.yaml`/`.yml` file under a directory
 * (recursively; `.git` and `node_modules` skipped). Paths in the result are relative to the
 * directory with forward slashes (a single file is named by its base name), sorted, so messages are
 * short and stable across machines. Problems are returned as issues, never thrown: a load reports
 * everything at once. Symbolic links are followed only while they stay inside the directory, and
 * oversized files are refused (a manifest is kilobytes; a 10 MiB "manifest" is a mistake or an attack).
 */

export const MAX_MANIFEST_BYTES = 10 * 1024 * 1024;

export interface ReadManifestFilesOptions {
  readonly maxFileBytes?: number;
}

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);
const MANIFEST_EXTENSION = /\.ya?ml$/i;

export const readManifestFiles = async (
  target: string,
  options: ReadManifestFilesOptions = {},
): Promise<ManifestFilesRead> => {
  const maxFileBytes = options.maxFileBytes ?? MAX_MANIFEST_BYTES;
  const files: ManifestFile[] = [];
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const fail = (file: string, message: string) =>
    errors.push(configIssue({ severity: 'error', file, message }));
  const warn = (file: string, message: string) =>
    warnings.push(configIssue({ severity: 'warning', file, message }));

  const readOne = async (absolute: string, name: string) => {
    try {
      const info = await stat(absolute);
      if (info.size > maxFileBytes) {
        fail(name, `is ${formatSize(info.size)}; files over ${formatSize(maxFileBytes)} are not loaded`);
        return;
      }
      const bytes = await readFile(absolute);
      // fatal: a binary or Latin-1 file is reported, not decoded into replacement characters.
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      files.push({ path: name, text });
    } catch (error) {
      fail(
        name,
        error instanceof TypeError ? 'is not UTF-8 text' : `cannot be read: ${describeError(error)}`,
      );
    }
  };

  let root: Awaited<ReturnType<typeof stat>>;
  try {
    root = await stat(target);
  } catch (error) {
    fail(target, `cannot be read: ${describeError(error)}`);
    return { files, errors, warnings };
  }
  if (!root.isDirectory()) {
    await readOne(target, path.basename(target));
    return { files, errors, warnings };
  }

  const rootReal = await realpath(target);
  // Real paths already read: a symbolic link to something inside the tree is read once, under the
  // first name in sorted order, and a link back up the tree does not loop.
  const seen = new Set<string>([rootReal]);
  const walk = async (directory: string, relative: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      fail(relative || '.', `cannot be read: ${describeError(error)}`);
      return;
    }
    for (const entry of entries.sort((a, b) => compare(a.name, b.name))) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      let real = path.join(directory, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const resolved = await resolveLink(real, rootReal);
        if (!resolved.ok) {
          if (resolved.reason) warn(name, resolved.reason);
          continue;
        }
        real = resolved.real;
        isDirectory = resolved.directory;
        isFile = !resolved.directory;
      }
      if (isDirectory && SKIPPED_DIRECTORIES.has(entry.name)) continue;
      if (!isDirectory && !(isFile && MANIFEST_EXTENSION.test(entry.name))) continue;
      if (seen.has(real)) continue;
      seen.add(real);
      if (isDirectory) await walk(real, name);
      else await readOne(real, name);
    }
  };
  await walk(rootReal, '');
  files.sort((a, b) => compare(a.path, b.path));
  return { files, errors, warnings };
};

type LinkTarget = { ok: true; real: string; directory: boolean } | { ok: false; reason?: string };

const resolveLink = async (absolute: string, rootReal: string): Promise<LinkTarget> => {
  let real: string;
  try {
    real = await realpath(absolute);
  } catch {
    return { ok: false, reason: 'is a broken symbolic link; skipped' };
  }
  const inside = path.relative(rootReal, real);
  if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    return { ok: false, reason: 'is a symbolic link leading outside the directory; skipped' };
  }
  try {
    const directory = (await stat(real)).isDirectory();
    if (!directory && !MANIFEST_EXTENSION.test(absolute)) return { ok: false };
    return { ok: true, real, directory };
  } catch {
    return { ok: false, reason: 'is a symbolic link that cannot be followed; skipped' };
  }
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const formatSize = (bytes: number): string => {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
};

const describeError = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
};
