import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStore } from './sqlite.js';
import { storeSuite } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeSuite('sqlite', {
  strictLagExpiry: true,
  open: (opts) => Promise.resolve(openSqliteStore({ path: join(dir, `db${++n}.sqlite`), ...opts })),
});
