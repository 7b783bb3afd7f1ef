import { validateCommitTemplate } from '../commit-message.ts';
import type { DecodeContext } from './decode-context.ts';
import { decodeGitRef } from './decode-git-repository.ts';
import type { JsonObject } from './fields.ts';
import {
  readBoolean,
  readDuration,
  readEnum,
  readLocalRef,
  readObject,
  readString,
  readStringMap,
} from './fields.ts';
import { decodeLabelSelector } from './label-selector.ts';
import { decodeReviewAnnotations } from './review-annotations.ts';
import type { ImageUpdateAutomation, ManifestSource, ObjectMeta } from './types.ts';
import { checkFields } from './unknown-fields.ts';
import { normaliseUpdatePath } from './update-path.ts';

/**
 * image-automation-controller `ImageUpdateAutomation` (v1beta2 and v1;
 * `api/v1/{imageupdateautomation_types,git,reference}.go`). `spec.git` is optional in the schema
 * but the controller stalls without it (`InvalidSourceConfiguration`), so it is required here;
 * `update` defaults to `{strategy: Setters}` as the CRD does.
 */

const SPEC_FIELDS = ['sourceRef', 'git', 'interval', 'policySelector', 'update', 'suspend'];
type Spec = ImageUpdateAutomation['spec'];

export const decodeImageUpdateAutomation = (
  ctx: DecodeContext,
  document: JsonObject,
  head: { apiVersion: string; metadata: ObjectMeta; source: ManifestSource },
): ImageUpdateAutomation | undefined => {
  const before = ctx.errorCount();
  const spec = readObject(ctx, document, 'spec', '', { required: true });
  if (!spec) return undefined;
  checkFields(ctx, spec, 'spec', SPEC_FIELDS);
  const sourceRef = decodeSourceRef(ctx, spec, head.metadata.namespace);
  const interval = readDuration(ctx, spec, 'interval', 'spec', { required: true });
  const git = decodeGit(ctx, spec);
  const policySelector = decodeLabelSelector(ctx, spec, 'policySelector', 'spec');
  const update = decodeUpdate(ctx, spec);
  const suspend = readBoolean(ctx, spec, 'suspend', 'spec');
  // Our pull-request settings live in annotations, so Flux still accepts the manifest.
  decodeReviewAnnotations(ctx, head.metadata.annotations);
  if (ctx.errorCount() > before || !sourceRef || !interval || !git || !update) return undefined;
  return {
    ...head,
    kind: 'ImageUpdateAutomation',
    spec: { sourceRef, interval, git, ...(policySelector && { policySelector }), update, suspend },
  };
};

const decodeSourceRef = (
  ctx: DecodeContext,
  spec: JsonObject,
  ownNamespace: string,
): Spec['sourceRef'] | undefined => {
  const ref = readObject(ctx, spec, 'sourceRef', 'spec', { required: true });
  if (!ref) return undefined;
  checkFields(ctx, ref, 'spec.sourceRef', ['apiVersion', 'kind', 'name', 'namespace']);
  const kind = readEnum(ctx, ref, 'kind', 'spec.sourceRef', ['GitRepository'] as const, 'GitRepository');
  const name = readString(ctx, ref, 'name', 'spec.sourceRef', { required: true });
  const namespace = readString(ctx, ref, 'namespace', 'spec.sourceRef') ?? ownNamespace;
  const apiVersion = readString(ctx, ref, 'apiVersion', 'spec.sourceRef');
  if (!kind || name === undefined) return undefined;
  return { kind, name, namespace, ...(apiVersion !== undefined && { apiVersion }) };
};

const decodeGit = (ctx: DecodeContext, spec: JsonObject): Spec['git'] | undefined => {
  const git = readObject(ctx, spec, 'git', 'spec', { required: true });
  if (!git) return undefined;
  checkFields(ctx, git, 'spec.git', ['checkout', 'commit', 'push']);
  const checkoutSpec = readObject(ctx, git, 'checkout', 'spec.git');
  let checkout: Spec['git']['checkout'];
  if (checkoutSpec) {
    checkFields(ctx, checkoutSpec, 'spec.git.checkout', ['ref']);
    const ref = decodeGitRef(ctx, checkoutSpec, 'ref', 'spec.git.checkout', { required: true });
    if (ref) checkout = { ref };
  }
  const commit = decodeCommit(ctx, git);
  const push = decodePush(ctx, git);
  if (!commit) return undefined;
  return { ...(checkout && { checkout }), commit, ...(push && { push }) };
};

const decodeCommit = (ctx: DecodeContext, git: JsonObject): Spec['git']['commit'] | undefined => {
  const commit = readObject(ctx, git, 'commit', 'spec.git', { required: true });
  if (!commit) return undefined;
  const path = 'spec.git.commit';
  checkFields(ctx, commit, path, ['author', 'signingKey', 'messageTemplate', 'messageTemplateValues']);
  const authorSpec = readObject(ctx, commit, 'author', path, { required: true });
  let author: Spec['git']['commit']['author'] | undefined;
  if (authorSpec) {
    checkFields(ctx, authorSpec, `${path}.author`, ['name', 'email']);
    const name = readString(ctx, authorSpec, 'name', `${path}.author`);
    const email = readString(ctx, authorSpec, 'email', `${path}.author`, { required: true });
    if (email !== undefined) author = name === undefined ? { email } : { name, email };
  }
  let signingKey: Spec['git']['commit']['signingKey'];
  const signing = readObject(ctx, commit, 'signingKey', path);
  if (signing) {
    checkFields(ctx, signing, `${path}.signingKey`, ['secretRef', 'type']);
    const secretRef = readLocalRef(ctx, signing, 'secretRef', `${path}.signingKey`, { required: true });
    const type = readEnum(ctx, signing, 'type', `${path}.signingKey`, ['gpg', 'ssh'] as const, 'gpg');
    if (secretRef && type) signingKey = { secretRef, type };
  }
  const messageTemplate = readString(ctx, commit, 'messageTemplate', path);
  if (messageTemplate !== undefined) {
    for (const message of validateCommitTemplate(messageTemplate))
      ctx.error(`${path}.messageTemplate`, message);
  }
  const messageTemplateValues = readStringMap(ctx, commit, 'messageTemplateValues', path);
  if (!author) return undefined;
  return {
    author,
    ...(signingKey && { signingKey }),
    ...(messageTemplate !== undefined && { messageTemplate }),
    messageTemplateValues,
  };
};

const decodePush = (ctx: DecodeContext, git: JsonObject): Spec['git']['push'] | undefined => {
  const push = readObject(ctx, git, 'push', 'spec.git');
  if (!push) return undefined;
  checkFields(ctx, push, 'spec.git.push', ['branch', 'refspec', 'options']);
  const branch = readString(ctx, push, 'branch', 'spec.git.push');
  const refspec = readString(ctx, push, 'refspec', 'spec.git.push');
  // CRD pattern `^$|^[^+:]`: no force (`+src:dst`) and no delete (`:dst`) refspecs.
  if (refspec !== undefined && /^[+:]/.test(refspec)) {
    ctx.error(
      'spec.git.push.refspec',
      `${JSON.stringify(refspec)} must not start with "+" (force) or ":" (delete)`,
    );
  }
  const options = readStringMap(ctx, push, 'options', 'spec.git.push');
  return {
    ...(branch !== undefined && { branch }),
    ...(refspec !== undefined && { refspec }),
    options,
  };
};

const decodeUpdate = (ctx: DecodeContext, spec: JsonObject): Spec['update'] | undefined => {
  const update = readObject(ctx, spec, 'update', 'spec');
  if (!update) return { strategy: 'Setters', path: '' };
  checkFields(ctx, update, 'spec.update', ['strategy', 'path']);
  const strategy = readEnum(ctx, update, 'strategy', 'spec.update', ['Setters'] as const, 'Setters');
  const rawPath = readString(ctx, update, 'path', 'spec.update') ?? '';
  const path = normaliseUpdatePath(rawPath);
  if (!path.ok) ctx.error('spec.update.path', path.message);
  if (!strategy || !path.ok) return undefined;
  return { strategy, path: path.value };
};
