import type { RegistryEvent } from '../../domain/work.ts';
import { digestOf, isoTime, isReleaseTag } from './image-reference.ts';
import { isRecord, stringField } from './json-body.ts';
import { MANIFEST_MEDIA_TYPES } from './manifest-media-types.ts';

const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$/;

/**
 * Amazon ECR's EventBridge `ECR Image Action` event → the push it reports, or undefined when it
 * reports nothing to re-check. Pure: shared by the Lambda `ecr-event` function and the local
 * `ecr` receiver. https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
 *
 * ECR sends one event per manifest PUT: a multi-arch or attested push produces untagged child
 * events (`image-tag: ""`) before the one tagged index event, so only successful, tagged pushes
 * count. `source` must be `aws.ecr`: other principals cannot put `aws.*` events on a bus. The
 * registry host is not in the event; it is `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn`
 * in China regions). `id` is EventBridge's event id, stable across redeliveries.
 */
export const parseEcrImageAction = (event: unknown): RegistryEvent | undefined => {
  if (!isRecord(event) || event.source !== 'aws.ecr' || event['detail-type'] !== 'ECR Image Action') {
    return undefined;
  }
  const { detail } = event;
  if (!isRecord(detail) || detail['action-type'] !== 'PUSH' || detail.result !== 'SUCCESS') return undefined;
  const tag = stringField(detail['image-tag']);
  const repository = stringField(detail['repository-name']);
  const mediaType = stringField(detail['manifest-media-type']);
  const account = stringField(event.account);
  const region = stringField(event.region);
  const id = stringField(event.id);
  if (!isReleaseTag(tag) || !repository || !id || !account || !region) return undefined;
  if (!ACCOUNT.test(account) || !REGION.test(region)) return undefined;
  if (mediaType && !MANIFEST_MEDIA_TYPES.has(mediaType)) return undefined;
  const digest = digestOf(detail['image-digest']);
  const pushedAt = isoTime(event.time);
  return {
    registry: `${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`,
    repository,
    tag,
    ...(digest && { digest }),
    deliveryId: `ecr:${id}`,
    source: 'aws.ecr',
    ...(pushedAt && { pushedAt }),
  };
};
