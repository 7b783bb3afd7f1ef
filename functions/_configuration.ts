import { createHash } from 'node:crypto';
import { loadConfig } from '../lib/app/load-config.ts';
import { InvalidConfigError } from '../lib/domain/errors.ts';
import type { ConfigIssue } from '../lib/domain/flux/config-issue.ts';
import type { ManifestLoad } from '../lib/domain/flux/parse-manifests.ts';
import type { FluxConfig } from '../lib/domain/flux/types.ts';
import type { Logger } from '../lib/ports/logger.ts';
import type { ReadManifestFiles } from '../lib/ports/manifest-reader.ts';

/**
 * The configuration of one container: loaded on first use, then kept. A bundled directory never
 * changes, so it is read once (`refreshMs: Infinity`). An S3 object is re-checked at most every
 * `refreshMs` (a conditional GET: 304 while unchanged) and parsed again only when its bytes changed,
 * so the FluxConfig object — and everything the runtime caches per configuration — stays the same
 * between changes. A changed configuration with errors is refused and the last good one kept (a typo
 * pushed to S3 must not stop the fleet); with no good one yet, the load fails loudly.
 */
export interface ConfigurationSource {
  current(): Promise<FluxConfig>;
}

export interface ConfigurationSourceOptions {
  readonly location: string;
  readonly readManifestFiles: ReadManifestFiles;
  readonly refreshMs: number;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Checks of this deployment (the roles it may assume), as errors of the load. */
  readonly check?: (config: FluxConfig) => readonly ConfigIssue[];
  /** Called once for each configuration adopted (the first, and each good change). */
  readonly onLoaded?: (config: FluxConfig) => void;
}

interface Loaded {
  readonly config: FluxConfig;
  readonly fingerprint: string;
  checkedAt: number;
}

const fingerprintOf = (load: ManifestLoad, files: readonly { path: string; text: string }[]) =>
  createHash('sha256')
    .update(JSON.stringify(files.map((f) => [f.path, f.text])))
    .update(String(load.errors.length))
    .digest('hex');

export const createConfigurationSource = (options: ConfigurationSourceOptions): ConfigurationSource => {
  const clock = options.clock ?? Date.now;
  let loaded: Loaded | undefined;
  let refused: string | undefined;
  let pending: Promise<FluxConfig> | undefined;

  async function reload(): Promise<FluxConfig> {
    let files: { path: string; text: string }[] = [];
    const read: ReadManifestFiles = async (path) => {
      const result = await options.readManifestFiles(path);
      files = result.files;
      return result;
    };
    const read0 = await loadConfig(options.location, { readManifestFiles: read });
    const checked = options.check?.(read0.config) ?? [];
    const load: ManifestLoad = {
      ...read0,
      errors: [...read0.errors, ...checked.filter((i) => i.severity === 'error')],
      warnings: [...read0.warnings, ...checked.filter((i) => i.severity === 'warning')],
    };
    const fingerprint = fingerprintOf(load, files);
    if (loaded && fingerprint === loaded.fingerprint) {
      loaded.checkedAt = clock();
      return loaded.config;
    }
    const issues = load.errors.map((issue) => issue.format());
    if (issues.length > 0) {
      if (!loaded) {
        throw new InvalidConfigError(
          `the configuration at ${options.location} is invalid:\n  ${issues.join('\n  ')}`,
          { data: { location: options.location, errors: issues.length } },
        );
      }
      if (refused !== fingerprint) {
        options.logger.error('configuration change refused; the previous configuration stays in use', {
          location: options.location,
          issues,
        });
      }
      refused = fingerprint;
      loaded.checkedAt = clock();
      return loaded.config;
    }
    for (const warning of load.warnings) {
      options.logger.warn('configuration warning', { issue: warning.format() });
    }
    options.logger.info('configuration loaded', {
      location: options.location,
      automations: load.config.imageUpdateAutomations.length,
      imageRepositories: load.config.imageRepositories.length,
    });
    loaded = { config: load.config, fingerprint, checkedAt: clock() };
    options.onLoaded?.(load.config);
    return load.config;
  }

  return {
    current() {
      if (loaded && clock() - loaded.checkedAt < options.refreshMs) return Promise.resolve(loaded.config);
      // Concurrent callers of one container share one load.
      pending ??= reload().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
};
