import { InvalidConfigError } from '../../domain/errors.ts';
import type { Secret } from '../../domain/flux/types.ts';
import type { SecretSource } from '../../ports/secret-source.ts';
import { parseSecretString } from './secret-string.ts';

/**
 * The local SecretSource: `v1` Secret documents loaded with the configuration, then environment
 * variables `IMAGE_AUTOMATION_SECRET_<NAMESPACE>_<NAME>` (upper case, every character that is not a
 * letter or digit as `_`) holding a JSON object of string values (or plain text → `{ token }`), so
 * credentials need not be written into manifest files. The environment arrives as an argument: only
 * the composition root reads `process.env`.
 */
export interface ConfigSecretSourceOptions {
  readonly secrets: readonly Secret[];
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const envPart = (text: string): string => text.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** `flux-system`, `ghcr-auth` → `IMAGE_AUTOMATION_SECRET_FLUX_SYSTEM_GHCR_AUTH` */
export const secretEnvironmentVariable = (namespace: string, name: string): string =>
  `IMAGE_AUTOMATION_SECRET_${envPart(namespace)}_${envPart(name)}`;

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
      const text = env[variable];
      // An empty variable is how shells and .env files say "unset".
      if (text === undefined || text === '') return undefined;
      return parseSecretString(text, `environment variable ${variable}`);
    },
  };
};
