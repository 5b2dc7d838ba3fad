import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { objectFileName, VersionDir } from './files.js';

test('objectFileName names files as kubectl diff does', () => {
  const cases = [
    { key: { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'default', name: 'web' }, want: 'apps.v1.Deployment.default.web' },
    { key: { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'c' }, want: 'v1.ConfigMap.default.c' },
    { key: { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'dev' }, want: 'v1.Namespace..dev' },
    { key: { group: 'example.com', version: 'v1alpha1', kind: 'Widget', namespace: 'ns', name: 'w.1' }, want: 'example.com.v1alpha1.Widget.ns.w.1' },
  ];
  for (const { key, want } of cases) assert.equal(objectFileName(key), want);
});

test('VersionDir makes <prefix>-<digits>, writes YAML or an empty file, and removes itself', async () => {
  const base = mkdtempSync(join(tmpdir(), 'k8ts-diff-test-'));
  try {
    const dir = await VersionDir.create('LIVE', base);
    assert.match(basename(dir.path), /^LIVE-\d+$/);
    assert.equal(statSync(dir.path).mode & 0o777, 0o700);
    await dir.write('v1.ConfigMap.default.c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    await dir.write('absent', undefined);
    assert.equal(readFileSync(join(dir.path, 'v1.ConfigMap.default.c'), 'utf8'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
    assert.equal(readFileSync(join(dir.path, 'absent'), 'utf8'), '');
    await dir.remove();
    assert.equal(existsSync(dir.path), false);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
