import { parseManifests } from '../../lib/domain/flux/parse-manifests.ts';
import type { FluxConfig } from '../../lib/domain/flux/types.ts';

/** One image policy of a test fleet. */
export interface FleetPolicy {
  readonly name: string;
  /** `host:port/repo` of the image, as written in the ImageRepository. */
  readonly image: string;
  readonly policy?: string;
  readonly digestReflectionPolicy?: 'Never' | 'IfNotPresent' | 'Always';
  readonly filterTags?: { pattern: string; extract?: string };
  readonly secretRef?: string;
  readonly exclusionList?: readonly string[];
}

export interface FleetOptions {
  readonly namespace?: string;
  readonly gitUrl: string;
  readonly branch?: string;
  readonly pushBranch?: string;
  readonly updatePath?: string;
  readonly gitSecretRef?: string;
  readonly messageTemplate?: string;
  /** Annotations of the ImageUpdateAutomation (review settings). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Secret with `git.asc` (and `passphrase`) for `spec.git.commit.signingKey`. */
  readonly signingKeySecret?: string;
  /** GitRepository `spec.provider` (`github` for GitHub App credentials). */
  readonly gitProvider?: string;
  readonly policies: readonly FleetPolicy[];
  /** Extra YAML documents (Secrets, Receivers). */
  readonly extra?: readonly string[];
}

const indent = (text: string, by: number) =>
  text
    .split('\n')
    .map((line) => (line ? ' '.repeat(by) + line : line))
    .join('\n');

/** Flux manifests for a fleet: one GitRepository, one automation, an ImageRepository + ImagePolicy per image. */
export const fleetManifests = (options: FleetOptions): string => {
  const ns = options.namespace ?? 'apps';
  const docs = [
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: ${ns}}
spec:
  interval: 10m
  url: ${options.gitUrl}
  ref: {branch: ${options.branch ?? 'main'}}${options.gitSecretRef ? `\n  secretRef: {name: ${options.gitSecretRef}}` : ''}${
    options.gitProvider ? `\n  provider: ${options.gitProvider}` : ''
  }`,
    `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: fleet, namespace: ${ns}${options.annotations ? `, annotations: ${JSON.stringify(options.annotations)}` : ''}}
spec:
  interval: 30m
  sourceRef: {kind: GitRepository, name: fleet}
  git:
    checkout: {ref: {branch: ${options.branch ?? 'main'}}}
    commit:
      author: {name: Image Bot, email: bot@example.com}${
        options.signingKeySecret ? `\n      signingKey: {secretRef: {name: ${options.signingKeySecret}}}` : ''
      }${
        options.messageTemplate ? `\n      messageTemplate: |\n${indent(options.messageTemplate, 8)}` : ''
      }${options.pushBranch ? `\n    push: {branch: ${options.pushBranch}}` : ''}
  update: {strategy: Setters, path: ${JSON.stringify(options.updatePath ?? './')}}`,
  ];
  for (const p of options.policies) {
    docs.push(`apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: ${p.name}, namespace: ${ns}}
spec:
  image: ${p.image}
  interval: 1h
  insecure: true${p.secretRef ? `\n  secretRef: {name: ${p.secretRef}}` : ''}${
    p.exclusionList ? `\n  exclusionList: ${JSON.stringify(p.exclusionList)}` : ''
  }`);
    docs.push(`apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: ${p.name}, namespace: ${ns}}
spec:
  imageRepositoryRef: {name: ${p.name}}
  policy:
    semver: {range: ${JSON.stringify(p.policy ?? '>=1.0.0')}}
  digestReflectionPolicy: ${p.digestReflectionPolicy ?? 'IfNotPresent'}${
    p.filterTags ? `\n  filterTags: ${JSON.stringify(p.filterTags)}` : ''
  }`);
  }
  docs.push(...(options.extra ?? []));
  return `${docs.join('\n---\n')}\n`;
};

/** Parses fleet manifests, failing the test on any configuration error. */
export const fleetConfig = (options: FleetOptions): FluxConfig => {
  const load = parseManifests([{ path: 'fleet.yaml', text: fleetManifests(options) }]);
  if (load.errors.length > 0) throw new Error(load.errors.map((e) => e.format()).join('\n'));
  return load.config;
};
