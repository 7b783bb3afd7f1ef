import { InvalidConfigError } from '../../domain/errors.ts';
import type { Secret } from '../../domain/flux/types.ts';
import type { SecretSource } from '../../ports/secret-source.ts';
import { parseSecretString } from './secret-string.ts';

/**
 * The local SecretSource: `v1` Secret documents loaded with the configuration, then environment
 * variables `IMAGE_AUTOMATION_SECRET_<NAMESPACE>__<NAME>` (see {@link secretEnvironmentVariable})
 * holding a JSON object of string values (or plain text → `{ token }`), so credentials need not be
 * written into manifest files. The environment arrives as an argument: only the composition root
 * reads `process.env`.
 */
export interface ConfigSecretSourceOptions {
  readonly secrets: readonly Secret[];
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// Kubernetes names (metadata.ts): a namespace is an RFC 1123 label, a Secret name a subdomain. So
// between two letters or digits there is exactly one of: a run of dashes, one '.' or the '/' that
// separates namespace and name. Each gets its own number of underscores, so the variable names one
// Secret only (`team/a-git` and `team-a/git` were both `TEAM_A_GIT` once: rule 12).
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const envPart = (text: string): string =>
  text
    .toUpperCase()
    .replace(/-+|\./g, (run) => (run === '.' ? '___' : run.length === 1 ? '_' : '_'.repeat(run.length + 2)));

/**
 * `flux-system`, `ghcr-auth` → `IMAGE_AUTOMATION_SECRET_FLUX_SYSTEM__GHCR_AUTH`: letters upper case,
 * digits kept, `-` → `_`, namespace and name joined by `__`, `.` → `___`, and a run of n ≥ 2 dashes
 * → n + 2 underscores. Injective on valid names; `undefined` for a name Kubernetes would refuse
 * (such a reference names no Secret, and the encoding would not be injective for it).
 */
export const secretEnvironmentVariable = (namespace: string, name: string): string | undefined =>
  NAMESPACE.test(namespace) && NAME.test(name)
    ? `IMAGE_AUTOMATION_SECRET_${envPart(namespace)}__${envPart(name)}`
    : undefined;

const decodeSecretData = (secret: Secret): Readonly<Record<string, string>> => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const data: Record<string, string> = {};
  for (const [key, bytes] of Object.entries(secret.data)) {
    try {
      data[key] = decoder.decode(bytes);
    } catch (cause) {
      const { namespace, name } = secret.metadata;
      throw new InvalidConfigError(`Secret ${namespace}/${name}: data.${key} is not UTF-8 text`, {
        cause,
        data: { namespace, name, key, file: secret.source.file },
      });
    }
  }
  return Object.freeze(data);
};

export const createConfigSecretSource = (options: ConfigSecretSourceOptions): SecretSource => {
  const byName = new Map(options.secrets.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  const env = options.env ?? {};

  return {
    async getSecret(namespace: string, name: string) {
      const secret = byName.get(`${namespace}/${name}`);
      if (secret) return decodeSecretData(secret);
      const variable = secretEnvironmentVariable(namespace, name);
      if (variable === undefined) return undefined;
      const text = env[variable];
      // An empty variable is how shells and .env files say "unset".
      if (text === undefined || text === '') return undefined;
      return parseSecretString(text, `environment variable ${variable}`);
    },
  };
};
