/**
 * A CNCF Distribution push notification, as the registry sends it (registry-webhooks §8), for tests
 * that deliver events themselves to control timing. Tags and digests still come from the registry.
 */
export const DISTRIBUTION_CONTENT_TYPE = 'application/vnd.docker.distribution.events.v1+json';

export const distributionPush = (
  registryHost: string,
  pushes: ReadonlyArray<{ repository: string; tag: string; id: string }>,
): string =>
  JSON.stringify({
    events: pushes.map(({ repository, tag, id }) => ({
      id,
      timestamp: new Date().toISOString(),
      action: 'push',
      target: {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        repository,
        tag,
        digest: `sha256:${'0'.repeat(64)}`,
        url: `http://${registryHost}/v2/${repository}/manifests/${tag}`,
      },
      request: { host: registryHost, method: 'PUT' },
    })),
  });

/** The Secret and Receiver documents a test fleet needs for `type: distribution` with a bearer token. */
export const distributionReceiver = (namespace: string, token: string): string[] => [
  `apiVersion: v1
kind: Secret
metadata: {name: receiver-token, namespace: ${namespace}}
stringData: {token: ${token}}`,
  `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: registry, namespace: ${namespace}}
spec:
  type: distribution
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: "*", matchLabels: {}}`,
];
