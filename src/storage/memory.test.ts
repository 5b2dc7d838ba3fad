import { openMemoryStore } from './memory.js';
import { storeSuite } from './store-suite.js';

storeSuite('memory', { strictLagExpiry: true, open: (opts) => Promise.resolve(openMemoryStore(opts)) });
