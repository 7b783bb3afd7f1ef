import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { configIssue } from '../../domain/flux/config-issue.ts';
import type { ManifestFilesRead, ReadManifestFiles } from '../../ports/manifest-reader.ts';
import { awsErrorFacts, translateAwsError } from '../aws/aws-error.ts';
import { MAX_MANIFEST_BYTES } from './read-manifest-files.ts';

/**
 * ReadManifestFiles for Lambda: the configuration is ONE multi-document YAML object in S3
 * (`s3://bucket/path/config.yaml`; concatenate manifests with `---`, e.g. `kustomize build > config.yaml`).
 * One object, not a prefix or an archive: one GetObject per check, one ETag for the whole configuration,
 * and an update is atomic.
 *
 * The object is cached per container and re-checked on every read with `If-None-Match: <ETag>`; S3
 * answers 304 when it is unchanged and we serve the cached copy
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). A missing or forbidden object
 * is a configuration problem, returned as an issue; a transient failure (throttling, 5xx) serves the
 * cached copy with a warning, or throws a retryable UpstreamError when there is none yet.
 */
export const s3ManifestReaderDefaults = Object.freeze({ maxBytes: MAX_MANIFEST_BYTES });

export interface S3ManifestReaderOptions {
  /** Injected (tests, custom endpoint); a default client from the environment otherwise. */
  readonly client?: S3Client;
  readonly maxBytes?: number;
}

interface Cached {
  readonly etag: string;
  readonly read: ManifestFilesRead;
}

/** `s3://bucket/key` → its parts, or undefined when `url` does not name one object. */
export const parseS3ObjectUrl = (url: string): { bucket: string; key: string } | undefined => {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(url);
  if (!match?.[1] || !match[2] || match[2].endsWith('/')) return undefined;
  return { bucket: match[1], key: match[2] };
};

const copy = (read: ManifestFilesRead): ManifestFilesRead => ({
  files: [...read.files],
  errors: [...read.errors],
  warnings: [...read.warnings],
});

const failed = (file: string, message: string): ManifestFilesRead => ({
  files: [],
  errors: [configIssue({ severity: 'error', file, message })],
  warnings: [],
});

export const createS3ManifestReader = (options: S3ManifestReaderOptions = {}): ReadManifestFiles => {
  const { maxBytes } = { ...s3ManifestReaderDefaults, ...options };
  const client = options.client ?? new S3Client({});
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<ManifestFilesRead>>();

  async function fetchObject(url: string, bucket: string, key: string): Promise<ManifestFilesRead> {
    const cached = cache.get(url);
    let response: GetObjectCommandOutput;
    try {
      response = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: cached?.etag }),
      );
    } catch (error) {
      const facts = awsErrorFacts(error);
      // The SDK reports 304 as an error whose name varies by version ("304", "NotModified", ""):
      // https://github.com/aws/aws-sdk-js-v3/issues/5860
      if (facts.status === 304 && cached) return cached.read;
      const appError = translateAwsError(error, { action: `S3 GetObject of ${url}`, data: { url } });
      if (appError.code === 'NotFound' || appError.code === 'Auth') {
        cache.delete(url);
        const reason = appError.code === 'NotFound' ? 'no such object' : 'access denied';
        return failed(url, `cannot be read: ${reason} (${facts.name})`);
      }
      if (!cached) throw appError;
      const warning = configIssue({
        severity: 'warning',
        file: url,
        message: `could not be re-checked (${facts.name}); using the copy read earlier (ETag ${cached.etag})`,
      });
      return { ...cached.read, warnings: [...cached.read.warnings, warning] };
    }

    if ((response.ContentLength ?? 0) > maxBytes) {
      cache.delete(url);
      return failed(url, `is ${response.ContentLength} bytes; objects over ${maxBytes} bytes are not loaded`);
    }
    const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
    if (bytes.byteLength > maxBytes) {
      cache.delete(url);
      return failed(url, `is over ${maxBytes} bytes; not loaded`);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      cache.delete(url);
      return failed(url, 'is not UTF-8 text');
    }
    const read: ManifestFilesRead = { files: [{ path: url, text }], errors: [], warnings: [] };
    if (response.ETag) cache.set(url, { etag: response.ETag, read });
    else cache.delete(url);
    return read;
  }

  return async function readS3ManifestFiles(url: string): Promise<ManifestFilesRead> {
    const location = parseS3ObjectUrl(url);
    if (!location) return failed(url, 'is not the URL of one S3 object (s3://<bucket>/<key>.yaml)');
    // A burst of invocations in one container shares one request.
    let pending = inFlight.get(url);
    if (!pending) {
      pending = fetchObject(url, location.bucket, location.key).finally(() => inFlight.delete(url));
      inFlight.set(url, pending);
    }
    return copy(await pending);
  };
};
