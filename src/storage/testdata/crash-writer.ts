/**
 * Child process for the SQLite crash test: writes to a store as fast as it can and prints
 * `ack <key> <revision> <counter>` after each write is acknowledged, until it is killed.
 */
import { counterLoad } from '../crash-check.js';
import { openSqliteStore } from '../sqlite.js';

const [path, prefix] = process.argv.slice(2);
if (!path || !prefix) throw new Error('usage: crash-writer DBPATH KEYPREFIX');
const store = openSqliteStore({ path });
await counterLoad(store, prefix, 16, (a) => process.stdout.write(`ack ${a.key} ${a.revision} ${a.counter}\n`), new AbortController().signal);
