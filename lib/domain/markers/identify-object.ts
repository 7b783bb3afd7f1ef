import { isMap, isScalar } from 'yaml';
import type { ObjectIdentifier } from '../changes.ts';

export const EMPTY_OBJECT: ObjectIdentifier = Object.freeze({
  apiVersion: '',
  kind: '',
  namespace: '',
  name: '',
});

/**
 * The Kubernetes identity of a parsed node (kyaml `GetMeta().GetIdentifier()`): apiVersion, kind,
 * metadata.namespace and metadata.name, each '' when absent or not a scalar. Flux refuses a file
 * whose `metadata` is not a mapping; here such a document is simply anonymous, since a marker in,
 * say, a Helm values file needs no identity to be applied.
 */
export const identifyObject = (node: unknown): ObjectIdentifier => {
  if (!isMap(node)) return EMPTY_OBJECT;
  const metadata = node.get('metadata', true);
  return {
    apiVersion: scalarText(node.get('apiVersion', true)),
    kind: scalarText(node.get('kind', true)),
    namespace: isMap(metadata) ? scalarText(metadata.get('namespace', true)) : '',
    name: isMap(metadata) ? scalarText(metadata.get('name', true)) : '',
  };
};

/**
 * The scalar as written (its `source`), so `name: 010` stays `010` rather than becoming 8 or 10,
 * as go-yaml does when decoding into a string field; `~`/`null` decode to the empty string.
 */
const scalarText = (node: unknown): string => {
  if (!isScalar(node) || node.value === null || node.value === undefined) return '';
  return node.source ?? String(node.value);
};
