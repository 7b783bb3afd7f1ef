import { createMemoryStateStore } from '../../../lib/adapters/state/memory-state-store.ts';
import { describeStateStoreContract } from '../../contract/state-store.contract.ts';

describeStateStoreContract('memory', async (options) => ({ store: createMemoryStateStore(options) }));
