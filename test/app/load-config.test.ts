import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readManifestFiles } from '../../lib/adapters/config/read-manifest-files.ts';
import { loadConfig } from '../../lib/app/load-config.ts';
import { configIssue } from '../../lib/domain/flux/config-issue.ts';

const fleet = fileURLToPath(new URL('../fixtures/config/fleet', import.meta.url));

describe('loadConfig', () => {
  it('loads a fleet directory from disk', async () => {
    const load = await loadConfig(fleet, { readManifestFiles });
    expect(load.errors).toEqual([]);
    expect(load.config.imagePolicies.map((p) => p.source.file)).toEqual([
      'apps/podinfo/image-policy.yaml',
      'apps/web/images.yml',
      'apps/web/images.yml',
      'infrastructure/registries/ecr.yaml',
    ]);
  });

  it('puts read problems before document problems', async () => {
    const load = await loadConfig('ignored', {
      readManifestFiles: async () => ({
        files: [{ path: 'a.yaml', text: 'kind: [' }],
        errors: [
          configIssue({
            severity: 'error',
            file: 'huge.yaml',
            message: 'is 11 MiB; files over 10 MiB are not loaded',
          }),
        ],
        warnings: [],
      }),
    });
    expect(load.errors.map((issue) => issue.format())).toEqual([
      'huge.yaml: is 11 MiB; files over 10 MiB are not loaded',
      'a.yaml:1:8: document 1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });
});
