import { InvalidConfigError } from './errors.ts';

/**
 * Registry credentials from a Kubernetes Secret, the way Flux's image-reflector-controller reads an
 * ImageRepository `secretRef` (a `kubernetes.io/dockerconfigjson` Secret, matched by registry host like
 * the kubelet credential provider does). Pure: the caller passes the Secret's decoded data.
 *
 * Structurally identical to `RegistryCredentials` in lib/ports/registry.ts (lib/domain may not import
 * ports); lib/adapters/registry/secret-credentials.ts lets the compiler prove the two stay compatible.
 */
export type ResolvedRegistryCredentials =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'identity-token'; readonly token: string };

/** Secret data with values already decoded from base64 (the `stringData` view). */
export type SecretData = Readonly<Record<string, string>>;

const ANONYMOUS: ResolvedRegistryCredentials = Object.freeze({ kind: 'anonymous' });

// Every spelling of Docker Hub in docker configs and image names; they all mean the same registry.
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

interface AuthEntry {
  readonly auth?: unknown;
  readonly username?: unknown;
  readonly password?: unknown;
  readonly identitytoken?: unknown;
}

interface ConfigKey {
  readonly host: string;
  readonly path: string;
}

const canonicalHost = (host: string): string => {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? 'index.docker.io' : lower;
};

/** `https://index.docker.io/v1/`, `host:5000`, `host/team` → host + optional path (scheme dropped). */
const parseConfigKey = (key: string): ConfigKey => {
  const withoutScheme = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  const host = slash < 0 ? withoutScheme : withoutScheme.slice(0, slash);
  let path = slash < 0 ? '' : withoutScheme.slice(slash + 1).replace(/\/+$/, '');
  // Docker's legacy API paths are not repository prefixes.
  if (/^v[12]$/.test(path)) path = '';
  return { host: canonicalHost(host), path };
};

/** kubelet rule: `*.example.com` matches exactly one extra label; ports must be equal. */
const hostMatches = (pattern: string, host: string): boolean => {
  if (pattern === host) return true;
  if (!pattern.includes('*')) return false;
  const patternParts = pattern.split('.');
  const hostParts = host.split('.');
  if (patternParts.length !== hostParts.length) return false;
  return patternParts.every((part, i) => part === '*' || part === hostParts[i]);
};

const pathMatches = (prefix: string, repository: string | undefined): boolean =>
  prefix === '' ||
  (repository !== undefined && (repository === prefix || repository.startsWith(`${prefix}/`)));

/** Most specific entry wins: exact host over wildcard, then the longest repository path prefix. */
const specificity = (key: ConfigKey): number => (key.host.includes('*') ? 0 : 1_000_000) + key.path.length;

const decodeBase64 = (value: string, what: string): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(atob(value.trim()), (c) => c.charCodeAt(0)),
    );
  } catch (cause) {
    throw new InvalidConfigError(`${what} is not valid base64`, { cause });
  }
};

const asString = (value: unknown): string => (typeof value === 'string' ? value : '');

const credentialsFromEntry = (entry: AuthEntry, where: string): ResolvedRegistryCredentials => {
  const identityToken = asString(entry.identitytoken);
  if (identityToken !== '') return { kind: 'identity-token', token: identityToken };
  let username = asString(entry.username);
  let password = asString(entry.password);
  const auth = asString(entry.auth);
  if (auth !== '') {
    const decoded = decodeBase64(auth, `the "auth" field for ${where}`);
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new InvalidConfigError(`the "auth" field for ${where} must encode "username:password"`);
    }
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (username === '' && password === '') return ANONYMOUS;
  return { kind: 'basic', username, password };
};

const parseAuths = (json: string, secretKey: string): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    // The message must not quote the JSON: it holds secrets.
    throw new InvalidConfigError(`Secret key "${secretKey}" is not valid JSON`, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidConfigError(`Secret key "${secretKey}" must hold a JSON object`);
  }
  // `.dockerconfigjson` wraps the host map in `auths`; the legacy `.dockercfg` is the host map itself.
  const auths = secretKey === '.dockerconfigjson' ? (parsed as { auths?: unknown }).auths : parsed;
  if (auths === undefined) return {};
  if (auths === null || typeof auths !== 'object' || Array.isArray(auths)) {
    throw new InvalidConfigError(`Secret key "${secretKey}" has an "auths" field that is not an object`);
  }
  return auths as Record<string, unknown>;
};

const fromDockerConfig = (
  json: string,
  secretKey: string,
  registry: string,
  repository: string | undefined,
): ResolvedRegistryCredentials => {
  const host = canonicalHost(registry);
  let best: { entry: AuthEntry; key: string; score: number } | undefined;
  for (const [key, entry] of Object.entries(parseAuths(json, secretKey))) {
    if (entry === null || typeof entry !== 'object') continue;
    const parsedKey = parseConfigKey(key);
    if (!hostMatches(parsedKey.host, host) || !pathMatches(parsedKey.path, repository)) continue;
    const score = specificity(parsedKey);
    if (best === undefined || score > best.score) best = { entry: entry as AuthEntry, key, score };
  }
  return best === undefined ? ANONYMOUS : credentialsFromEntry(best.entry, `"${best.key}" in ${secretKey}`);
};

/**
 * The credentials a Secret holds for `registry` (host with optional port; any Docker Hub alias).
 * Reads `.dockerconfigjson` (`auths` keyed by host or URL; `auth` = base64 `user:pass`, or
 * `username`/`password`, or `identitytoken`), then legacy `.dockercfg`, then plain `username`/`password`
 * keys. No matching entry means anonymous access, as in Flux.
 *
 * @example
 * registryCredentialsFromSecret({ '.dockerconfigjson': json }, 'ghcr.io', 'org/app')
 * // → { kind: 'basic', username: 'bot', password: '…' }
 */
export const registryCredentialsFromSecret = (
  data: SecretData,
  registry: string,
  repository?: string,
): ResolvedRegistryCredentials => {
  for (const secretKey of ['.dockerconfigjson', '.dockercfg']) {
    const json = data[secretKey];
    if (json !== undefined) return fromDockerConfig(json, secretKey, registry, repository);
  }
  const username = data.username ?? '';
  const password = data.password ?? '';
  if (username === '' && password === '') return ANONYMOUS;
  return { kind: 'basic', username, password };
};
