import { checkReviewSettings } from './check-review.ts';
import type { CollectedObjects } from './collect-objects.ts';
import { collectObjects } from './collect-objects.ts';
import type { ConfigIssue } from './config-issue.ts';
import { crossCheck } from './cross-check.ts';
import { objectIssue } from './object-issue.ts';
import type {
  FluxConfig,
  FluxKind,
  GitRepository,
  ImagePolicy,
  ImageRepository,
  ImageUpdateAutomation,
  Receiver,
  Secret,
  ServiceAccount,
} from './types.ts';
import type { ManifestFile } from './walk-manifests.ts';

export type { ManifestFile } from './walk-manifests.ts';

/**
 * Loads Flux manifests into a typed configuration. Nothing stops at the first problem: every invalid
 * document, duplicate and broken reference of the load is reported, and `config` holds the objects
 * that are valid. A load is usable when `errors` is empty.
 */
export interface ManifestLoad {
  readonly config: FluxConfig;
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

export const parseManifests = (files: readonly ManifestFile[]): ManifestLoad => {
  const collected = collectObjects(files);
  const { objects, issues } = dropDuplicates(collected);
  const config = groupByKind(objects);
  const all = sortIssues(files, [
    ...issues,
    ...crossCheck(config, collected.invalid),
    ...checkReviewSettings(config),
  ]);
  return {
    config,
    errors: all.filter((issue) => issue.severity === 'error'),
    warnings: all.filter((issue) => issue.severity === 'warning'),
  };
};

/**
 * Two objects with the same kind, namespace and name would be one object in a cluster (the last
 * apply wins, silently); here the first is kept and the second reported, naming both places.
 */
const dropDuplicates = ({ objects, issues, invalid }: CollectedObjects): CollectedObjects => {
  const seen = new Map<string, FluxKind>();
  const kept: FluxKind[] = [];
  const found = [...issues];
  for (const object of objects) {
    const key = `${object.kind}\u0000${object.metadata.namespace}\u0000${object.metadata.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, object);
      kept.push(object);
      continue;
    }
    const where = `${first.source.file} (document ${first.source.document})`;
    const message = `duplicate ${object.kind} ${object.metadata.namespace}/${object.metadata.name}: first defined in ${where}; this one is ignored`;
    found.push(objectIssue(object, 'error', '', message));
  }
  return { objects: kept, issues: found, invalid };
};

const groupByKind = (objects: readonly FluxKind[]): FluxConfig => {
  const gitRepositories: GitRepository[] = [];
  const imageRepositories: ImageRepository[] = [];
  const imagePolicies: ImagePolicy[] = [];
  const imageUpdateAutomations: ImageUpdateAutomation[] = [];
  const receivers: Receiver[] = [];
  const secrets: Secret[] = [];
  const serviceAccounts: ServiceAccount[] = [];
  for (const object of objects) {
    switch (object.kind) {
      case 'GitRepository':
        gitRepositories.push(object);
        break;
      case 'ImageRepository':
        imageRepositories.push(object);
        break;
      case 'ImagePolicy':
        imagePolicies.push(object);
        break;
      case 'ImageUpdateAutomation':
        imageUpdateAutomations.push(object);
        break;
      case 'Receiver':
        receivers.push(object);
        break;
      case 'Secret':
        secrets.push(object);
        break;
      case 'ServiceAccount':
        serviceAccounts.push(object);
        break;
    }
  }
  return {
    gitRepositories,
    imageRepositories,
    imagePolicies,
    imageUpdateAutomations,
    receivers,
    secrets,
    serviceAccounts,
  };
};

/** File order (as given), then document; issues of one document keep their discovery order. */
const sortIssues = (files: readonly ManifestFile[], issues: ConfigIssue[]): ConfigIssue[] => {
  const fileOrder = new Map(files.map((file, index) => [file.path, index]));
  const rank = (issue: ConfigIssue) => fileOrder.get(issue.file) ?? files.length;
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) =>
        rank(a.issue) - rank(b.issue) ||
        (a.issue.document ?? 0) - (b.issue.document ?? 0) ||
        a.order - b.order,
    )
    .map(({ issue }) => issue);
};
