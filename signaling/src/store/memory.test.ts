import { describeStoreContract } from './contract';
import { MemoryStore } from './memory';

// The assertions live in the shared contract suite; the same suite runs on a real Redis in tests/integration/store.
describeStoreContract('MemoryStore', async (catalogue, options) => new MemoryStore(catalogue, options));
