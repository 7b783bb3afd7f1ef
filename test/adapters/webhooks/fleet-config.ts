import { parseManifests } from '../../../lib/domain/flux/parse-manifests.ts';
import type { FluxConfig } from '../../../lib/domain/flux/types.ts';

/**
 * The in-test Flux configuration: one automation (apps/fleet) over one ImageRepository per
 * registry, and one Receiver per type listing its repositories. Tokens are per type:
 * `<type>-token-0123456789abcdef` (never a real secret).
 */
export interface ReceiverFixture {
  readonly type: string;
  /** ImageRepository name → image. */
  readonly images: Readonly<Record<string, string>>;
  /** Extra Secret keys beside `token`. */
  readonly secret?: Readonly<Record<string, string>>;
}

export const tokenOf = (type: string): string => `${type}-token-0123456789abcdef`;

const policyYaml = (name: string, image: string) => `---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: { name: ${name}, namespace: apps }
spec: { image: "${image}", interval: 1h }
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: { name: ${name}, namespace: apps, labels: { automation: fleet } }
spec:
  imageRepositoryRef: { name: ${name} }
  policy: { semver: { range: ">=1.0.0" } }
`;

const receiverYaml = ({ type, images, secret = {} }: ReceiverFixture) => `---
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: { name: ${type}, namespace: apps }
spec:
  type: ${type}
  secretRef: { name: ${type}-receiver }
  resources:
${Object.keys(images)
  .map((name) => `    - { kind: ImageRepository, name: ${name} }`)
  .join('\n')}
---
apiVersion: v1
kind: Secret
metadata: { name: ${type}-receiver, namespace: apps }
stringData:
${Object.entries({ token: tokenOf(type), ...secret })
  .map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`)
  .join('\n')}
`;

const BASE = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: { name: fleet, namespace: apps }
spec: { url: "https://git.example.com/acme/fleet.git", interval: 5m, ref: { branch: main } }
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: { name: fleet, namespace: apps }
spec:
  interval: 30m
  sourceRef: { kind: GitRepository, name: fleet }
  policySelector: { matchLabels: { automation: fleet } }
  git: { commit: { author: { name: bot, email: bot@example.com } } }
  update: { path: ./apps, strategy: Setters }
`;

export const fleetConfig = (receivers: readonly ReceiverFixture[]): FluxConfig => {
  const images = new Map(receivers.flatMap((r) => Object.entries(r.images)));
  const text = [
    BASE,
    ...[...images].map(([name, image]) => policyYaml(name, image)),
    ...receivers.map(receiverYaml),
  ].join('\n');
  const load = parseManifests([{ path: 'fleet.yaml', text }]);
  if (load.errors.length > 0) throw new Error(`test fleet is invalid: ${JSON.stringify(load.errors)}`);
  return load.config;
};
