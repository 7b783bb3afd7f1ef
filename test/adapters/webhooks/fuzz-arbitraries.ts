import fc from 'fast-check';
import { fixture, RECEIVERS } from './webhook-harness.ts';

/** Valid-looking payloads of every type, as parsed JSON: the seeds the shaped fuzzing mutates. */
const SEEDS: Readonly<Record<string, string>> = {
  dockerhub: 'push.json',
  quay: 'push.json',
  harbor: 'cloudevents.json',
  github: 'push.json',
  acr: 'push.json',
  gcr: 'push.json',
  nexus: 'push.json',
  artifactory: 'push.json',
  cdevents: 'structured.json',
  ecr: 'push.json',
};

const json = (type: string, name: string): unknown =>
  JSON.parse(new TextDecoder().decode(fixture(type, name)));

// The distribution type predates these fixtures; one event as registry v3 sends it.
const DISTRIBUTION = {
  events: [
    {
      id: 'evt-1',
      timestamp: '2026-03-20T14:27:05Z',
      action: 'push',
      target: {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: `sha256:${'4e'.repeat(32)}`,
        repository: 'team/web',
        url: 'https://registry.example.com/v2/team/web/manifests/v1.4.2',
        tag: 'v1.4.2',
      },
      request: { host: 'registry.example.com', method: 'PUT' },
    },
  ],
};

const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '',
    'sha256:',
    'sha256-abc.sig',
    'INSERT',
    'push',
    'pushed',
    'docker',
    '%',
    '@',
    '/',
    ':',
    '..',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const ABSENT = Symbol('absent');

/**
 * Values shaped like `seed`: every node is kept (its children mutated in turn), or, about once in
 * `keep + 1` times, replaced by anything or dropped. A few mutations per payload reach the code
 * behind the first checks instead of failing at the top.
 */
export const shaped = (seed: unknown, keep = 10): fc.Arbitrary<unknown> => {
  const mutated = (kept: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: keep, arbitrary: kept }, { weight: 1, arbitrary: leaf });
  if (Array.isArray(seed)) return mutated(fc.tuple(...seed.map((item) => shaped(item, keep))));
  if (typeof seed === 'object' && seed !== null) {
    const fields = Object.fromEntries(
      Object.entries(seed).map(([key, value]) => [
        key,
        fc.oneof(
          { weight: keep, arbitrary: shaped(value, keep) },
          { weight: 1, arbitrary: fc.constant(ABSENT) },
        ),
      ]),
    );
    return mutated(
      fc
        .record(fields)
        .map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ABSENT))),
    );
  }
  return mutated(fc.constant(seed));
};

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Pub/Sub wraps the notification in base64: mutate inside and outside the wrapping. */
const gcrShaped = (): fc.Arbitrary<unknown> => {
  const envelope = json('gcr', 'push.json') as { message: Record<string, unknown> };
  const inner = JSON.parse(Buffer.from(String(envelope.message.data), 'base64').toString('utf8'));
  return fc.tuple(shaped(envelope), shaped(inner)).map(([outer, data]) =>
    typeof outer === 'object' && outer !== null && 'message' in outer && typeof outer.message === 'object'
      ? {
          ...outer,
          message: { ...outer.message, data: Buffer.from(JSON.stringify(data)).toString('base64') },
        }
      : outer,
  );
};

/** Any body a type might see: raw bytes, any JSON, or its own payload mutated. */
export const bodyFor = (type: string): fc.Arbitrary<Uint8Array> => {
  const seed = SEEDS[type];
  const own =
    type === 'gcr'
      ? gcrShaped()
      : type === 'distribution'
        ? shaped(DISTRIBUTION)
        : seed
          ? shaped(json(type, seed))
          : fc.jsonValue();
  return fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    fc.jsonValue({ maxDepth: 4 }).map(encode),
    own.map(encode),
    own.map(encode),
  );
};

/** What each sender puts in its headers besides authentication, before mutation. */
const SENDER_HEADERS: Readonly<Record<string, Record<string, string>>> = {
  github: { 'x-github-event': 'package', 'x-github-delivery': 'delivery-1' },
  nexus: { 'x-nexus-webhook-id': 'rm:repository:component', 'x-nexus-webhook-delivery': 'delivery-1' },
  cdevents: {
    'ce-specversion': '1.0',
    'ce-type': 'dev.cdevents.artifact.published.0.3.0',
    'ce-id': 'delivery-1',
  },
};

const HEADER_NAMES = [
  'authorization',
  'x-github-event',
  'x-github-delivery',
  'x-hub-signature-256',
  'x-nexus-webhook-id',
  'x-nexus-webhook-delivery',
  'x-nexus-webhook-signature',
  'x-jfrog-event-auth',
  'x-signature',
  'ce-type',
  'ce-id',
  'ce-time',
  'x-request-id',
];

/**
 * Headers as a fuzzer would send them: the sender's own headers mutated, now and then a known
 * header with any value (which may clobber the signature), and unknown ones.
 */
export const headersFor = (type: string): fc.Arbitrary<Record<string, string>> =>
  fc
    .tuple(
      shaped(SENDER_HEADERS[type] ?? { 'x-request-id': 'delivery-1' }),
      fc.dictionary(fc.constantFrom(...HEADER_NAMES), fc.string({ unit: 'binary' }), { maxKeys: 1 }),
      fc.dictionary(
        fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.toLowerCase()),
        fc.string(),
        {
          maxKeys: 3,
        },
      ),
    )
    .map(([own, known, unknown]) => ({
      ...unknown,
      ...(typeof own === 'object' && own !== null && !Array.isArray(own)
        ? Object.fromEntries(Object.entries(own).map(([k, v]) => [k, String(v)]))
        : {}),
      ...known,
    }));

const OTHER_MEDIA_TYPES = [
  'application/json; charset=UTF-8',
  'application/cloudevents+json',
  'application/x-www-form-urlencoded',
  'application/vnd.docker.distribution.events.v2+json',
  'text/plain',
  '',
];

/** Mostly a content type the receiver accepts, sometimes any other. */
export const contentTypeFor = (accepted: readonly string[] | undefined): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(accepted ?? ['application/json'])) },
    { weight: 1, arbitrary: fc.constantFrom(...OTHER_MEDIA_TYPES) },
  );

export const TYPES = RECEIVERS.map((r) => r.type);
