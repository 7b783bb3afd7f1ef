import { registryCredentialsFromSecret as fromSecret } from '../../domain/registry-credentials.ts';
import type { RegistryCredentials } from '../../ports/registry.ts';

/**
 * The domain resolver, typed with the port's RegistryCredentials. lib/domain cannot import lib/ports, so it
 * declares a structurally identical type; this assignment makes the compiler reject any drift between them.
 */
export const registryCredentialsFromSecret: (
  data: Readonly<Record<string, string>>,
  registry: string,
  repository?: string,
) => RegistryCredentials = fromSecret;
