import { InMemoryEventStore } from '../../src/store/memory.js';
import { runConformanceSuite } from './conformance.js';

runConformanceSuite('in-memory', async () => ({ store: new InMemoryEventStore() }));
