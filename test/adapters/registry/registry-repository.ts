import type { RegistryCredentials, RegistryRepository } from '../../../lib/ports/registry.ts';

/** A RegistryRepository for tests: plain HTTP on 127.0.0.1, anonymous unless told otherwise. */
export const repositoryAt = (
  host: string,
  repository: string,
  credentials: RegistryCredentials = { kind: 'anonymous' },
): RegistryRepository => ({ registry: host, repository, insecure: true, provider: 'generic', credentials });
