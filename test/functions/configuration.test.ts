import { describe, expect, it } from 'vitest';
import { createConfigurationSource } from '../../functions/_configuration.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import type { ManifestFilesRead } from '../../lib/ports/manifest-reader.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';

const valid = (name: string) =>
  fleetManifests({
    gitUrl: 'https://git.example.com/fleet.git',
    policies: [{ name, image: `r.test/${name}` }],
  });

/** A reader serving whatever `object.text` holds now, counting reads (an S3 object stand-in). */
const s3Like = (text: string) => {
  const object = { text, reads: 0 };
  const read = async (): Promise<ManifestFilesRead> => {
    object.reads++;
    return { files: [{ path: 's3://b/fleet.yaml', text: object.text }], errors: [], warnings: [] };
  };
  return { object, read };
};

describe('configuration source', () => {
  it('reads a bundled configuration once and keeps it', async () => {
    const { object, read } = s3Like(valid('web'));
    const source = createConfigurationSource({
      location: '/var/task/config',
      readManifestFiles: read,
      refreshMs: Number.POSITIVE_INFINITY,
      logger: silentLogger,
    });
    const [a, b] = await Promise.all([source.current(), source.current()]);
    expect(a).toBe(b);
    expect(await source.current()).toBe(a);
    expect(object.reads).toBe(1);
  });

  it('re-checks an S3 object after the refresh period and keeps the same object while it is unchanged', async () => {
    let now = 0;
    const { object, read } = s3Like(valid('web'));
    const source = createConfigurationSource({
      location: 's3://b/fleet.yaml',
      readManifestFiles: read,
      refreshMs: 1000,
      logger: silentLogger,
      clock: () => now,
    });
    const first = await source.current();
    now = 500;
    expect(await source.current()).toBe(first);
    expect(object.reads).toBe(1);
    now = 1500;
    expect(await source.current()).toBe(first);
    expect(object.reads).toBe(2);
    object.text = valid('api');
    now = 3000;
    const changed = await source.current();
    expect(changed).not.toBe(first);
    expect(changed.imagePolicies.map((p) => p.metadata.name)).toEqual(['api']);
  });

  it('refuses a broken change and keeps serving the last good configuration', async () => {
    let now = 0;
    const { object, read } = s3Like(valid('web'));
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (message: string) => errors.push(message) };
    const source = createConfigurationSource({
      location: 's3://b/fleet.yaml',
      readManifestFiles: read,
      refreshMs: 1000,
      logger,
      clock: () => now,
    });
    const good = await source.current();
    object.text = 'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: x}\n';
    now = 2000;
    expect(await source.current()).toBe(good);
    now = 4000;
    expect(await source.current()).toBe(good);
    expect(errors).toEqual(['configuration change refused; the previous configuration stays in use']);
  });

  it('fails loudly when there is no good configuration yet', async () => {
    const { read } = s3Like(
      'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: x}\n',
    );
    const source = createConfigurationSource({
      location: 's3://b/fleet.yaml',
      readManifestFiles: read,
      refreshMs: 1000,
      logger: silentLogger,
    });
    await expect(source.current()).rejects.toThrow(/the configuration at s3:\/\/b\/fleet.yaml is invalid/);
  });
});
