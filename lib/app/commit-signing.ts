import { InvalidConfigError, isAppError, NotFoundError } from '../domain/errors.ts';
import type { ImageUpdateAutomation } from '../domain/flux/types.ts';
import type { CommitSigner, CommitSigning } from '../ports/commit-signer.ts';
import type { SecretSource } from '../ports/secret-source.ts';

/**
 * The signer for `spec.git.commit.signingKey`, loaded once per run before anything is cloned: a
 * Secret with `git.asc` (armored private key, one entity) and optional `passphrase` for `type: gpg`,
 * or `identity` (SSH private key) and optional `password` for `type: ssh`, as Flux reads it. Problems name the Secret and say what is wrong; the key and passphrase never appear.
 */
export const loadCommitSigner = async (
  deps: { readonly secrets: SecretSource; readonly signing?: CommitSigning },
  automation: ImageUpdateAutomation,
): Promise<CommitSigner | undefined> => {
  const signingKey = automation.spec.git.commit.signingKey;
  if (!signingKey) return undefined;
  const { namespace } = automation.metadata;
  const secret = `${namespace}/${signingKey.secretRef.name}`;
  const usedBy = `spec.git.commit.signingKey of ImageUpdateAutomation ${namespace}/${automation.metadata.name}`;
  const data = await deps.secrets.getSecret(namespace, signingKey.secretRef.name);
  if (!data) throw new NotFoundError(`Secret ${secret} (${usedBy}) not found`, { data: { secret } });
  // Flux: `gpg` reads `git.asc` + `passphrase`; `ssh` reads `identity` + `password` (the same Secret
  // as the ssh:// transport's can serve both).
  const keyName = signingKey.type === 'ssh' ? 'identity' : 'git.asc';
  const key = data[keyName];
  if (!key)
    throw new InvalidConfigError(`Secret ${secret} (${usedBy}) has no "${keyName}"`, { data: { secret } });
  if (!deps.signing)
    throw new InvalidConfigError(`${usedBy}: commit signing is not available in this runtime`);
  try {
    return signingKey.type === 'ssh'
      ? await deps.signing.ssh({
          identity: key,
          ...(data.password !== undefined && { password: data.password }),
        })
      : await deps.signing.openPgp({
          armoredKey: key,
          ...(data.passphrase !== undefined && { passphrase: data.passphrase }),
        });
  } catch (error) {
    const reason = isAppError(error) ? error.message : 'the key cannot be used';
    throw new InvalidConfigError(`Secret ${secret} (${usedBy}): ${reason}`, { data: { secret } });
  }
};
