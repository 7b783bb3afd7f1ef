import { describe, expect, it } from 'vitest';
import { parseEcrImageAction } from '../../../lib/adapters/webhooks/ecr-image-action.ts';

const push = JSON.parse(
  new TextDecoder().decode(
    await import('node:fs').then((fs) =>
      fs.readFileSync(new URL('../../fixtures/webhooks/ecr/push.json', import.meta.url)),
    ),
  ),
);
const withDetail = (detail: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({
  ...push,
  ...envelope,
  detail: { ...push.detail, ...detail },
});

describe('parseEcrImageAction', () => {
  it('maps a tagged push to the registry, repository, tag, digest and event id', () => {
    expect(parseEcrImageAction(push)).toEqual({
      registry: '123456789012.dkr.ecr.eu-central-1.amazonaws.com',
      repository: 'team/web',
      tag: 'v1.4.2',
      digest: 'sha256:4e9d62b02bc05e96a460820405bb2607762573630283b411c8d034e80ddceb54',
      deliveryId: 'ecr:1f6e3d2c-9b8a-4c7d-8e6f-5a4b3c2d1e0f',
      source: 'aws.ecr',
      pushedAt: '2026-03-20T14:27:05.000Z',
    });
  });

  it('uses the .com.cn suffix in China regions', () => {
    expect(parseEcrImageAction({ ...push, region: 'cn-north-1' })?.registry).toBe(
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
    );
  });

  it.each([
    ['an untagged child manifest', withDetail({ 'image-tag': '' })],
    ['a cosign signature tag', withDetail({ 'image-tag': `sha256-${'a'.repeat(64)}.sig` })],
    ['a delete', withDetail({ 'action-type': 'DELETE' })],
    ['a failed push', withDetail({ result: 'FAILURE' })],
    ['a non-image manifest', withDetail({ 'manifest-media-type': 'application/octet-stream' })],
    ['another detail-type', { ...push, 'detail-type': 'ECR Image Scan' }],
    ['another source', { ...push, source: 'custom.ecr' }],
    ['an account that is not 12 digits', { ...push, account: '12345' }],
    ['a region that could inject a host', { ...push, region: 'evil.example/x' }],
    ['no event id', { ...push, id: '' }],
    ['no repository', withDetail({ 'repository-name': undefined })],
    ['not an object', 'ECR Image Action'],
    ['null', null],
  ])('ignores %s', (_name, event) => {
    expect(parseEcrImageAction(event)).toBeUndefined();
  });
});
