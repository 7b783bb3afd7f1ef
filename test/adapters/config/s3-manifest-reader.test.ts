import 'aws-sdk-client-mock-vitest/extend';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3ManifestReader, parseS3ObjectUrl } from '../../../lib/adapters/config/s3-manifest-reader.ts';
import { fakeAwsCredentials, testRegion } from '../../helpers/fake-aws.ts';

const URL = 's3://config-bucket/clusters/prod.yaml';
const YAML =
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n';

/** The part of the SDK's streaming body the reader uses. */
const object = (text: string | Uint8Array, etag?: string): GetObjectCommandOutput => {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return {
    $metadata: { httpStatusCode: 200 },
    ETag: etag,
    ContentLength: bytes.byteLength,
    Body: { transformToByteArray: async () => bytes } as GetObjectCommandOutput['Body'],
  };
};

const failure = (name: string, status: number) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: 'UnknownError',
  });

describe('S3 manifest reader', () => {
  let s3Mock: AwsClientStub<S3Client>;
  const reader = (maxBytes?: number) =>
    createS3ManifestReader({
      client: new S3Client({ region: testRegion, credentials: fakeAwsCredentials() }),
      ...(maxBytes ? { maxBytes } : {}),
    });

  beforeAll(() => {
    s3Mock = mockClient(S3Client);
  });
  afterAll(() => s3Mock.restore());
  beforeEach(() => s3Mock.reset());

  it('parses s3:// URLs of one object only', () => {
    expect(parseS3ObjectUrl(URL)).toEqual({ bucket: 'config-bucket', key: 'clusters/prod.yaml' });
    expect(parseS3ObjectUrl('s3://config-bucket/clusters/')).toBeUndefined();
    expect(parseS3ObjectUrl('s3://config-bucket')).toBeUndefined();
    expect(parseS3ObjectUrl('https://config-bucket.s3.amazonaws.com/a.yaml')).toBeUndefined();
  });

  it('reads one multi-document YAML object, named by its URL', async () => {
    s3Mock.on(GetObjectCommand).resolves(object(YAML, '"etag-1"'));
    const read = await reader()(URL);
    expect(read).toEqual({ files: [{ path: URL, text: YAML }], errors: [], warnings: [] });
    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'config-bucket',
      Key: 'clusters/prod.yaml',
    });
  });

  it('re-checks with If-None-Match and serves the cached copy on 304, the new one on change', async () => {
    s3Mock
      .on(GetObjectCommand)
      .resolvesOnce(object(YAML, '"etag-1"'))
      .rejectsOnce(failure('304', 304))
      .resolvesOnce(object('kind: Changed\n', '"etag-2"'))
      .rejectsOnce(failure('NotModified', 304));
    const read = reader();
    await read(URL);
    expect((await read(URL)).files[0]?.text).toBe(YAML);
    expect(s3Mock).toHaveReceivedNthCommandWith(GetObjectCommand, 2, { IfNoneMatch: '"etag-1"' });
    expect((await read(URL)).files[0]?.text).toBe('kind: Changed\n');
    expect((await read(URL)).files[0]?.text).toBe('kind: Changed\n');
    expect(s3Mock).toHaveReceivedNthCommandWith(GetObjectCommand, 4, { IfNoneMatch: '"etag-2"' });
  });

  it('shares one request between concurrent reads', async () => {
    s3Mock.on(GetObjectCommand).resolves(object(YAML, '"e"'));
    const read = reader();
    await Promise.all([read(URL), read(URL), read(URL)]);
    expect(s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 1);
  });

  it.each([
    ['NoSuchKey', 404, 'cannot be read: no such object (NoSuchKey)'],
    ['NoSuchBucket', 404, 'cannot be read: no such object (NoSuchBucket)'],
    ['AccessDenied', 403, 'cannot be read: access denied (AccessDenied)'],
  ])('returns %s as a configuration error', async (name, status, message) => {
    s3Mock.on(GetObjectCommand).rejects(failure(name, status));
    const read = await reader()(URL);
    expect(read.files).toEqual([]);
    expect(read.errors.map((e) => e.format())).toEqual([`${URL}: ${message}`]);
  });

  it('throws a retryable error on a transient failure without a cached copy, and warns with one', async () => {
    const cause = failure('SlowDown', 503);
    s3Mock.on(GetObjectCommand).rejectsOnce(cause).resolvesOnce(object(YAML, '"etag-1"')).rejects(cause);
    const read = reader();
    const error = await read(URL).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'Upstream', retryable: true });
    expect((error as Error).cause).toBe(cause);
    await read(URL);
    const stale = await read(URL);
    expect(stale.files[0]?.text).toBe(YAML);
    expect(stale.errors).toEqual([]);
    expect(stale.warnings.map((w) => w.message)).toEqual([
      'could not be re-checked (SlowDown); using the copy read earlier (ETag "etag-1")',
    ]);
  });

  it('refuses oversized, non-UTF-8 and malformed locations as errors', async () => {
    s3Mock.on(GetObjectCommand).resolves(object('x'.repeat(2048), '"big"'));
    expect((await reader(1024)(URL)).errors[0]?.message).toBe(
      'is 2048 bytes; objects over 1024 bytes are not loaded',
    );
    s3Mock.on(GetObjectCommand).resolves(object(new Uint8Array([0xc3, 0x28]), '"bin"'));
    expect((await reader()(URL)).errors[0]?.message).toBe('is not UTF-8 text');
    expect((await reader()('clusters/prod.yaml')).errors[0]?.message).toContain(
      'is not the URL of one S3 object',
    );
  });
});
