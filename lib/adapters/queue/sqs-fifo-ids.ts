import { createHash } from 'node:crypto';

/**
 * SQS FIFO `MessageGroupId` and `MessageDeduplicationId` may hold 1–128 characters of alphanumerics and
 * punctuation (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~), nothing else:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 * Our ids are repository URL + branch and event ids, usually valid as they are and then sent verbatim,
 * which keeps them readable in the console. Anything else is encoded deterministically, so the same
 * input always lands in the same group and replays keep deduplicating.
 */

const VALID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;
const INVALID_CHARACTER = /[^A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** True when SQS accepts `id` as a group or deduplication id as it is. */
export const isValidFifoId = (id: string): boolean => VALID.test(id);

/**
 * The group id as it is when valid; otherwise a readable prefix (invalid characters as `_`, at most 63
 * characters) + `~` + sha256 hex of the whole id: 128 characters at most, distinct per input.
 */
export const fifoGroupId = (groupId: string): string => {
  if (isValidFifoId(groupId)) return groupId;
  const readable = groupId.replace(INVALID_CHARACTER, '_').slice(0, 63);
  return `${readable}~${sha256Hex(groupId)}`;
};

/** The deduplication id as it is when valid; otherwise its sha256 hex (64 characters). */
export const fifoDeduplicationId = (deduplicationId: string): string =>
  isValidFifoId(deduplicationId) ? deduplicationId : sha256Hex(deduplicationId);
