import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Hand-built OCI image layouts, no Docker needed: a TypeScript port of mkoci.js
 * (shared/reference/real-components.md §1.2). Layout format:
 * https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 *
 * Content depends only on `mode` and `marker` (never on the tag), so the same marker pushed under two
 * tags is a retag with one digest, and a new marker is a new image.
 */
export interface OciDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface BuildOciLayoutOptions {
  readonly tag: string;
  /** `single`: one linux/amd64 manifest; `multi`: an image index over amd64 and arm64. */
  readonly mode?: 'single' | 'multi';
  /** Makes the content (and digest) unique; defaults to `v1`. */
  readonly marker?: string;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const REF_NAME = 'org.opencontainers.image.ref.name';
const EPOCH_2024 = Math.floor(Date.UTC(2024, 0, 1) / 1000);

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A minimal ustar archive holding one regular file. */
const tarOf = (name: string, content: string): Buffer => {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512, 0);
  const write = (text: string, offset: number, length: number) => header.write(text, offset, length, 'ascii');
  write(name, 0, 100);
  write('0000644\0', 100, 8);
  write('0000000\0', 108, 8);
  write('0000000\0', 116, 8);
  write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  write(`${EPOCH_2024.toString(8).padStart(11, '0')}\0`, 136, 12);
  write('        ', 148, 8);
  write('0', 156, 1);
  write('ustar\0', 257, 6);
  write('00', 263, 2);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024, 0)]);
};

/**
 * Writes (or extends) an OCI layout in `dir` with `tag` pointing at a deterministic image; other tags
 * already in the layout stay. Returns the descriptor `tag` points at: its digest is what a registry
 * reports after `skopeo copy [--all]` (the index digest for `multi`).
 */
export const buildOciLayout = async (dir: string, options: BuildOciLayoutOptions): Promise<OciDescriptor> => {
  const mode = options.mode ?? 'single';
  const marker = options.marker ?? 'v1';
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });

  const put = async (bytes: Buffer) => {
    const hex = sha256(bytes);
    await writeFile(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const putJson = (value: unknown) => put(Buffer.from(JSON.stringify(value)));

  const image = async (architecture: string): Promise<OciDescriptor> => {
    const raw = tarOf('hello.txt', `hello from ${architecture} ${marker}\n`);
    const layer = await put(gzipSync(raw, { level: 9 }));
    const config = await putJson({
      architecture,
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Cmd: ['/hello.txt'], Labels: { 'org.opencontainers.image.version': marker } },
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(raw)}`] },
      history: [{ created: '2024-01-01T00:00:00Z', created_by: 'oci-image.ts' }],
    });
    const manifest = await putJson({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    });
    return { mediaType: OCI_MANIFEST, ...manifest, platform: { architecture, os: 'linux' } };
  };

  let top: OciDescriptor;
  if (mode === 'single') {
    const { platform: _platform, ...manifest } = await image('amd64');
    top = manifest;
  } else {
    const manifests = [await image('amd64'), await image('arm64')];
    top = { mediaType: OCI_INDEX, ...(await putJson({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })) };
  }
  const tagged: OciDescriptor = { ...top, annotations: { [REF_NAME]: options.tag } };

  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const indexPath = join(dir, 'index.json');
  const index: { manifests: OciDescriptor[] } = await readFile(indexPath, 'utf8').then(
    (text) => JSON.parse(text),
    () => ({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }),
  );
  index.manifests = index.manifests.filter((m) => m.annotations?.[REF_NAME] !== options.tag).concat(tagged);
  await writeFile(indexPath, JSON.stringify(index, null, 2));
  return tagged;
};
