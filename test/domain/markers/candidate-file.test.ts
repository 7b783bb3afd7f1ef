import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  containsMarkerToken,
  isCandidatePath,
  MARKER_TOKEN,
} from '../../../lib/domain/markers/candidate-file.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('isCandidatePath', () => {
  it.each([
    'deploy.yaml',
    'a/b/deploy.yml',
    'overlays/prod/Kustomization',
    'Kustomization',
    '.hidden/x.yaml',
    '.yaml',
    'weird name.yaml',
  ])('%s is a candidate', (path) => {
    expect(isCandidatePath(path)).toBe(true);
  });

  it.each([
    'values.json',
    'Dockerfile',
    'deploy.YAML',
    'deploy.yaml.orig',
    'deploy.tpl',
    'kustomization',
    'Kustomization.bak',
    'dir.yaml/file.txt',
    'MyKustomization',
  ])('%s is not a candidate', (path) => {
    expect(isCandidatePath(path)).toBe(false);
  });
});

describe('containsMarkerToken', () => {
  it('finds the quoted token anywhere', () => {
    expect(MARKER_TOKEN).toBe('"$imagepolicy"');
    expect(containsMarkerToken(bytes('"$imagepolicy"'))).toBe(true);
    expect(containsMarkerToken(bytes('image: x # {"$imagepolicy": "a:b"}\n'))).toBe(true);
    expect(containsMarkerToken(bytes('""""$imagepolicy"'))).toBe(true);
  });

  it('needs the double quotes, as Flux does', () => {
    expect(containsMarkerToken(bytes('# {$imagepolicy: a:b}'))).toBe(false);
    expect(containsMarkerToken(bytes("# {'$imagepolicy': 'a:b'}"))).toBe(false);
    expect(containsMarkerToken(bytes('"$imagepolicy'))).toBe(false);
    expect(containsMarkerToken(bytes(''))).toBe(false);
  });

  it('agrees with a string search on any input', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('"', '$', 'imagepolicy', 'x', '"$imagepolicy', 'é')), (parts) => {
        const text = parts.join('');
        expect(containsMarkerToken(bytes(text))).toBe(text.includes(MARKER_TOKEN));
      }),
    );
  });
});
