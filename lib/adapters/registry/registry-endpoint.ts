import type { RegistryRepository } from '../../ports/registry.ts';

// Docker Hub's API lives on a different host than its canonical name (docker/distribution reference rules).
const API_HOST_ALIASES: Readonly<Record<string, string>> = {
  'index.docker.io': 'registry-1.docker.io',
  'docker.io': 'registry-1.docker.io',
};

/** Hosts go-containerregistry talks plain HTTP to even without `insecure` (pkg/name/registry.go). */
const isLoopback = (host: string): boolean => {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
};

/** `https://registry-1.docker.io`, `http://127.0.0.1:5000`: the origin the API calls go to. */
export const registryOrigin = (repo: Pick<RegistryRepository, 'registry' | 'insecure'>): string => {
  const host = API_HOST_ALIASES[repo.registry.toLowerCase()] ?? repo.registry;
  const scheme = repo.insecure || isLoopback(host) ? 'http' : 'https';
  return `${scheme}://${host}`;
};

/** `/v2/<name>/…` path of one repository; repository names are already restricted to URL-safe characters. */
export const repositoryUrl = (repo: RegistryRepository, suffix: string): string =>
  `${registryOrigin(repo)}/v2/${repo.repository}/${suffix}`;

/** What error messages call the repository: `host/repo`, never a credential. */
export const repositoryLabel = (repo: Pick<RegistryRepository, 'registry' | 'repository'>): string =>
  `${repo.registry}/${repo.repository}`;
