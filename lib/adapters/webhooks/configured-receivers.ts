import { receiverRepositories } from '../../domain/flux/receiver-scope.ts';
import type { FluxConfig, ImageRepository, Receiver } from '../../domain/flux/types.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SecretSource } from '../../ports/secret-source.ts';
import { hookDigest } from './hook-path.ts';
import { receiverTypes } from './receiver-types.ts';
import type { ReceiverContext, ReceiverType } from './webhook-request.ts';

/** A Receiver ready to serve: its implementation, its resolved secret and its hook path digest. */
export interface ConfiguredReceiver {
  readonly receiver: Receiver;
  readonly implementation: ReceiverType;
  readonly context: ReceiverContext;
  readonly digest: string;
  readonly repositories: readonly ImageRepository[];
}

/**
 * Resolves every Receiver of the configuration. A Receiver that cannot serve (suspended, unknown
 * type, missing Secret or token) is left out and logged: its URL then answers 404, like an
 * unknown path, so a caller learns nothing about which part was wrong.
 */
export const configureReceivers = async (
  config: FluxConfig,
  secrets: SecretSource,
  logger: Logger,
  types: ReadonlyMap<string, ReceiverType> = receiverTypes,
): Promise<Map<string, ConfiguredReceiver>> => {
  const configured = new Map<string, ConfiguredReceiver>();
  for (const receiver of config.receivers) {
    const { namespace, name } = receiver.metadata;
    const where = { receiver: `${namespace}/${name}`, type: receiver.spec.type };
    if (receiver.spec.suspend) {
      logger.info('receiver suspended', where);
      continue;
    }
    const implementation = types.get(receiver.spec.type);
    if (!implementation) {
      logger.warn('receiver type not supported; its hook answers 404', where);
      continue;
    }
    const secret = await secrets.getSecret(namespace, receiver.spec.secretRef.name);
    if (!secret?.token) {
      logger.warn(
        `receiver secret "${receiver.spec.secretRef.name}" not found or has no "token" key; its hook answers 404`,
        where,
      );
      continue;
    }
    const digest = hookDigest(secret.token, name, namespace);
    configured.set(digest, {
      receiver,
      implementation,
      context: { namespace, name, type: receiver.spec.type, secret },
      digest,
      repositories: receiverRepositories(config, receiver),
    });
  }
  return configured;
};
