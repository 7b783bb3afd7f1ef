import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import { createLocalQueue } from '../../../lib/adapters/queue/local-queue.ts';
import { type Delivered, describeQueueContract } from '../../contract/queue.contract.ts';

describeQueueContract('local', async () => {
  const dir = await scratchDir('ia-queue-');
  const seen: Delivered[] = [];
  const queue = createLocalQueue({
    dir: dir.path,
    process: async (request, { groupId }) => {
      seen.push({ groupId, request });
    },
  });
  return {
    queue,
    delivered: async () => {
      await queue.drain();
      return seen;
    },
    teardown: async () => {
      await queue.stop();
      await dir.remove();
    },
  };
});
