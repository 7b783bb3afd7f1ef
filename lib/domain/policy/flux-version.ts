import { parseSemver, type SemverVersion } from './semver-version.ts';

/**
 * Which tags count as versions for a Flux 2.7 semver policy: `fluxcd/pkg/version` v0.11.0
 * `ParseVersion`. Splitting on '.' into at most three pieces must give three pieces (so at least
 * two dots anywhere in the tag), then Masterminds v3.4.0 `NewVersion` parses leniently.
 *
 * Consequences worth knowing (flux-policy-cases.md §K1, §L1): `v1.2` and `1.2.3.4` are not
 * versions; `2025.01.02` is 2025.1.2; `1.2-rc.1` is 1.2.0-rc.1 and `1-a.b.c` is 1.0.0-a.b.c,
 * because the dots inside the pre-release count towards the three pieces.
 */
export const parseFluxVersion = (tag: string): SemverVersion | undefined => {
  const firstDot = tag.indexOf('.');
  if (firstDot < 0 || tag.indexOf('.', firstDot + 1) < 0) return undefined;
  const parsed = parseSemver(tag);
  return parsed.ok ? parsed.version : undefined;
};
