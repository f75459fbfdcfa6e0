import { describeStoreContract } from './contract';
import { MemoryStore } from './memory';

describeStoreContract('MemoryStore', async (catalogue, options) => new MemoryStore(catalogue, options));
