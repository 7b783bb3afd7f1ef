import { describe, expect, it } from 'vitest';
import { parseFluxVersion } from '../../../lib/domain/policy/flux-version.ts';
import { formatSemver } from '../../../lib/domain/policy/semver-version.ts';

// Which tags a Flux 2.7 semver policy treats as versions (fluxcd/pkg version v0.11.0 ParseVersion).
// `as` is the parsed version in canonical form, or null when the tag is not a version.

describe('parseFluxVersion: the pkg/version ParseVersion table (flux-policy-cases K1)', () => {
  it.each([
    { tag: 'v1.2.3', as: '1.2.3' },
    { tag: 'v2025.07.03', as: '2025.7.3' },
    { tag: 'v1.0', as: null },
    { tag: 'v1', as: null },
    { tag: 'v1.2.beta', as: null },
    { tag: 'v1.2-5', as: null },
    { tag: 'v1.2-beta5', as: null },
    { tag: '\nv1.2', as: null },
    { tag: 'v1.2.0-x.Y.0+metadata', as: '1.2.0-x.Y.0+metadata' },
    { tag: 'v1.2.0-x.Y.0+metadata-width-hypen', as: '1.2.0-x.Y.0+metadata-width-hypen' },
    { tag: 'v1.2.3-rc1-with-hypen', as: '1.2.3-rc1-with-hypen' },
    { tag: 'v1.2.3.4', as: null },
  ])('$tag → $as', ({ tag, as }) => {
    const version = parseFluxVersion(tag);
    expect(version === undefined ? null : formatSemver(version)).toBe(as);
  });
});

describe('parseFluxVersion: what counts as a semver tag in Flux 2.7 (flux-policy-cases L1)', () => {
  it.each([
    { tag: '1.2.3', as: '1.2.3', why: 'plain version' },
    { tag: 'v1.2.3', as: '1.2.3', why: 'one lowercase v is allowed' },
    { tag: 'V1.2.3', as: null, why: 'uppercase V is not a prefix' },
    { tag: 'vv1.2.3', as: null, why: 'only one v' },
    { tag: '1.2', as: null, why: 'fewer than three dot-separated pieces' },
    { tag: 'v1.2', as: null, why: 'fewer than three pieces' },
    { tag: '1', as: null, why: 'fewer than three pieces' },
    { tag: '1.2.3.4', as: null, why: 'a fourth part is not a pre-release' },
    { tag: '01.2.3', as: '1.2.3', why: 'leading zeros coerced (2.7)' },
    { tag: '1.02.3', as: '1.2.3', why: 'leading zeros coerced (2.7)' },
    { tag: '2025.01.02', as: '2025.1.2', why: 'calendar version' },
    { tag: 'v2025.07.03', as: '2025.7.3', why: 'calendar version with v' },
    { tag: '1.2.3-rc.1', as: '1.2.3-rc.1', why: 'dotted pre-release' },
    { tag: '1.2.3-RC1', as: '1.2.3-RC1', why: 'uppercase pre-release' },
    { tag: '1.2.3-rc.01', as: null, why: 'numeric pre-release identifier with a leading zero' },
    { tag: '1.2-rc.1', as: '1.2.0-rc.1', why: 'quirk: the dot in the pre-release makes the third piece' },
    { tag: '1-a.b.c', as: '1.0.0-a.b.c', why: 'same quirk' },
    { tag: '1.2.3+build.5', as: '1.2.3+build.5', why: 'build metadata' },
    { tag: '1.2.3-alpha+001', as: '1.2.3-alpha+001', why: 'pre-release and metadata' },
    { tag: ' 1.2.3', as: null, why: 'leading space' },
    { tag: '1.2.3-beta_1', as: null, why: 'underscore is not an identifier character' },
    { tag: '1.2.3-', as: null, why: 'empty pre-release' },
  ])('$tag → $as ($why)', ({ tag, as }) => {
    const version = parseFluxVersion(tag);
    expect(version === undefined ? null : formatSemver(version)).toBe(as);
  });

  it('keeps the original text, prefix and zeros included', () => {
    expect(parseFluxVersion('v2025.01.02+b7')?.original).toBe('v2025.01.02+b7');
  });
});
