import { parseFluxVersion } from './flux-version.ts';
import { createTagSampler } from './selection-trace.ts';
import { constraintsAdmit, parseConstraints } from './semver-constraint.ts';
import { compareSemver, type SemverVersion } from './semver-version.ts';
import type { ChooserCompilation } from './tag-chooser.ts';

/** `invalid constraint "1.x.y": improper constraint: 1.x.y` */
export const invalidConstraintMessage = (range: string, reason: string): string =>
  `invalid constraint ${JSON.stringify(range)}: ${reason}`;

/**
 * Flux's semver policy (image-reflector-controller `internal/policy/semver.go`, Flux 2.7):
 * candidates that are not versions (`pkg/version` ParseVersion) are skipped silently; among those
 * the range admits, the highest wins, and only a STRICTLY higher version replaces the current
 * best, so on equal versions (`v1.2.3` / `1.2.3`, or differing build metadata) the first
 * candidate in evaluation order wins. The original candidate text is returned.
 */
export const createSemverChooser = (range: string): ChooserCompilation => {
  const parsed = parseConstraints(range);
  if (!parsed.ok) return { ok: false, message: invalidConstraintMessage(range, parsed.message) };
  const constraints = parsed.constraints;
  return {
    ok: true,
    chooser: {
      choose(candidates) {
        const notVersions = createTagSampler();
        const outOfRange = createTagSampler();
        let latest: SemverVersion | undefined;
        for (const candidate of candidates) {
          const version = parseFluxVersion(candidate);
          if (version === undefined) {
            notVersions.add(candidate);
          } else if (!constraintsAdmit(constraints, version)) {
            outOfRange.add(candidate);
          } else if (latest === undefined || compareSemver(version, latest) > 0) {
            latest = version;
          }
        }
        const semver = { notVersions: notVersions.snapshot(), outOfRange: outOfRange.snapshot() };
        if (latest !== undefined) return { choice: { kind: 'chosen', value: latest.original }, semver };
        const reason =
          `no tag satisfies semver range ${JSON.stringify(range)} ` +
          `(${semver.notVersions.count} not versions, ${semver.outOfRange.count} versions out of range)`;
        return { choice: { kind: 'none', reason }, semver };
      },
    },
  };
};
