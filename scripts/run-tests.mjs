// Finds every compiled *.test.js under dist/ and runs them with node:test.
// Arguments are substrings; when given, only test files whose path contains one of them run.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const found = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (filters.length === 0 || filters.some((f) => p.includes(f)))) found.push(p);
  }
};
for (const top of ['dist/src', 'dist/test']) {
  try { walk(top); } catch { /* absent */ }
}
if (found.length === 0) {
  console.error('run-tests: no test files found (did the build run?)');
  process.exit(1);
}
found.sort();
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', ...found], { stdio: 'inherit' });
process.exit(r.status ?? 1);
