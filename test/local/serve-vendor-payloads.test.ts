import { createHmac, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { serveInProcess } from '../helpers/serve-in-process.ts';

/**
 * Every payload example the registry vendors publish (kept in ../shared/reference/webhook-payloads
 * and read from there at test time: they are the vendors' text, never copied here), posted to the
 * real receivers of a real `serve` over HTTP, signed the way each sender signs. Each must get 202
 * and queue a re-check of exactly the image it names, or nothing where it names none.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = resolve(ROOT, '../shared/reference/webhook-payloads');
const NAMESPACE = 'apps';

/**
 * ImageRepositories of the test fleet: the images the examples name, and near misses (the same
 * name on another registry or path) that no example may reach. Each has its own automation, so
 * the automation a delivery queues tells which image it re-checks.
 */
const IMAGES: Readonly<Record<string, string>> = {
  'acr-hello-world': 'myregistry.azurecr.io/hello-world',
  'acr-repo': 'myregistry.azurecr.io/repo',
  'acr-wordpress': 'myregistry.azurecr.io/wordpress',
  'jfrog-ubuntu': 'acme.jfrog.io/docker-remote-cache/library/ubuntu',
  'hub-ubuntu': 'index.docker.io/library/ubuntu',
  'hub-testhook': 'index.docker.io/svendowideit/testhook',
  'harbor-debian': 'hub.harbor.com/test-webhook/debian',
  'quay-ubuntu': 'quay.io/devtable/ubuntu',
  'quay-test': 'quay.io/dgangaia/test',
  'ghcr-hello-world': 'ghcr.io/codertocat/hello-world',
  'ghcr-hello-world-npm': 'ghcr.io/codertocat/hello-world-npm',
  'ghcr-myapp': 'ghcr.io/myorg/myapp',
};

/** What each example names, worked out from the example itself: the image re-checked, or null. */
const EXPECTED: Readonly<Record<string, string | null>> = {
  // action push: request.host + target.repository, tag v1.
  'acr/push.json': 'myregistry.azurecr.io/hello-world',
  // A chart in ACR's legacy Helm repository (`az acr helm push`): no request.host, no OCI image.
  'acr/chart-push.json': null,
  'acr/delete.json': null,
  // The event data without its envelope, so no jpd_origin: the image is named by its path in
  // the Artifactory repository, matched among the Receiver's own resources.
  'artifactory/docker-tag-pushed.json': 'acme.jfrog.io/docker-remote-cache/library/ubuntu',
  // A pkg:golang subject: not an image.
  'cdevents/artifact_published.json': null,
  // repository.repo_name on Docker Hub, push_data.tag latest.
  'dockerhub/push.json': 'index.docker.io/svendowideit/testhook',
  // Package examples with package_type npm and an empty tag name (untagged), and pings.
  'github/package.published.docker.json': null,
  'github/package.published.npm.json': null,
  'github/ping.json': null,
  'github/ping.with-organization.json': null,
  'github/registry_package.published.docker.json': null,
  // resources[].resource_url names host and repository, tag latest.
  'harbor/push-artifact.default.json': 'hub.harbor.com/test-webhook/debian',
  // docker_url names host and repository; updated_tags is a map in the 2013 example.
  'quay/repository-push.quay-gist-2013.json': 'quay.io/devtable/ubuntu',
  'quay/repository-push.redhat-docs.json': 'quay.io/dgangaia/test',
};

const tokenOf = (type: string) => `vendor-example-token-${type}`;

const hmacHex = (algorithm: string, key: string, body: Uint8Array) =>
  createHmac(algorithm, key).update(body).digest('hex');

/** The headers each sender adds, the signatures computed over the example's raw bytes. */
const senderHeaders = (type: string, file: string, body: Uint8Array): Record<string, string> => {
  const token = tokenOf(type);
  switch (type) {
    case 'github':
      return {
        // The event name is the file name up to its first dot.
        'x-github-event': file.split('.')[0] ?? '',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${hmacHex('sha256', token, body)}`,
      };
    case 'harbor':
      return { authorization: token };
    case 'acr':
      return { authorization: `Bearer ${token}` };
    case 'artifactory':
      // "Use secret for signing": the secret itself never travels.
      return { 'x-jfrog-event-auth': hmacHex('sha256', token, body) };
    case 'cdevents': {
      // Binary mode: the CloudEvent attributes in ce-* headers, the CDEvent as the body.
      const { context } = JSON.parse(new TextDecoder().decode(body));
      return {
        authorization: `Bearer ${token}`,
        'ce-specversion': '1.0',
        'ce-id': context.id,
        'ce-source': context.source,
        'ce-type': context.type,
        'ce-time': context.timestamp,
      };
    }
    default:
      // Docker Hub and Quay cannot sign or add headers: the hook URL is the secret.
      return {};
  }
};

const manifests = (types: readonly string[]): string => {
  const docs = [
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: ${NAMESPACE}}
spec: {interval: 10m, url: 'http://127.0.0.1:1/fleet.git', ref: {branch: main}}`,
  ];
  for (const [name, image] of Object.entries(IMAGES)) {
    docs.push(
      `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: ${name}, namespace: ${NAMESPACE}, labels: {fleet: vendor-examples}}
spec: {image: ${image}, interval: 1h}`,
      // Suspended: a queued run reads no registry (these hosts are the vendors' examples).
      `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: ${name}, namespace: ${NAMESPACE}, labels: {image: ${name}}}
spec:
  imageRepositoryRef: {name: ${name}}
  policy: {semver: {range: '>=1.0.0'}}
  suspend: true`,
      `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: ${name}, namespace: ${NAMESPACE}}
spec:
  interval: 30m
  sourceRef: {kind: GitRepository, name: fleet}
  policySelector: {matchLabels: {image: ${name}}}
  git:
    checkout: {ref: {branch: main}}
    commit: {author: {name: Image Bot, email: bot@example.com}}
  update: {strategy: Setters, path: ./}`,
    );
  }
  for (const type of types) {
    // Every Receiver may re-check every image of the fleet: only the payload chooses.
    docs.push(
      `apiVersion: v1
kind: Secret
metadata: {name: ${type}-token, namespace: ${NAMESPACE}}
stringData: {token: ${tokenOf(type)}}`,
      `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: ${type}, namespace: ${NAMESPACE}}
spec:
  type: ${type}
  secretRef: {name: ${type}-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: '*', matchLabels: {fleet: vendor-examples}}`,
    );
  }
  return `${docs.join('\n---\n')}\n`;
};

/** `<type>/<file>` of every JSON example, sorted. */
const listExamples = async (): Promise<string[]> => {
  const found: string[] = [];
  for (const entry of await readdir(EXAMPLES, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(join(EXAMPLES, entry.name))) {
      if (file.endsWith('.json')) found.push(`${entry.name}/${file}`);
    }
  }
  return found.sort();
};

const TITLE = "serve: the registry vendors' documented webhook examples";

if (!existsSync(EXAMPLES)) {
  describe(TITLE, () => {
    console.warn(`NOT RUN: ${EXAMPLES} is absent (CI has ../shared beside the checkout)`);
    it.skip(`needs the vendors' examples in ${EXAMPLES}, absent here`, () => {});
  });
} else {
  const examples = await listExamples();

  describe(TITLE, () => {
    let work: { path: string; remove: () => Promise<void> };
    let url: string;
    let serve: Awaited<ReturnType<typeof serveInProcess>> | undefined;

    beforeAll(async () => {
      work = await scratchDir('ia-vendor-examples-');
      const config = join(work.path, 'fleet.yaml');
      await writeFile(
        config,
        manifests([...new Set(examples.map((example) => example.split('/')[0] ?? ''))]),
      );
      serve = await serveInProcess(config, join(work.path, 'state'));
      url = serve.url;
    });
    afterAll(async () => {
      expect(await serve?.stop()).toBe(0);
      await work?.remove();
    });

    it('has an expectation for every example found, and finds every example expected', () => {
      expect(examples).toEqual(Object.keys(EXPECTED).sort());
    });

    it.each(examples)('%s: 202, re-checking exactly the image it names', async (example) => {
      const [type = '', file = ''] = example.split('/');
      const body = new Uint8Array(await readFile(join(EXAMPLES, example)));
      const logged = (serve?.logs() ?? '').length;
      const response = await fetch(`${url}${hookPath(tokenOf(type), type, NAMESPACE)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...senderHeaders(type, file, body) },
        body,
      });
      const answer = await response.text();
      expect({ status: response.status, answer }).toMatchObject({ status: 202 });
      // Ingestion ends before the answer: every line about this delivery is written by now.
      const rechecked = (serve?.logs() ?? '')
        .slice(logged)
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { message: string; automations?: string[] })
        .filter((line) => line.message === 'event queued')
        .flatMap((line) => line.automations ?? [])
        .map((automation) => IMAGES[automation.replace(`${NAMESPACE}/`, '')] ?? automation);
      const expected = EXPECTED[example];
      expect(rechecked).toEqual(expected ? [expected] : []);
      expect(JSON.parse(answer)).toMatchObject({ queued: expected ? 1 : 0 });
      // Naming nothing is not merely matching nothing: no event at all.
      if (!expected) expect(JSON.parse(answer)).toMatchObject({ accepted: 0, duplicates: 0, unmatched: 0 });
    });
  });
}
