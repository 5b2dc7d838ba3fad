import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dependsClosure, packageFiles, parseRelations, readDpkgDb } from './dpkg.js';

const admin = mkdtempSync(join(tmpdir(), 'k8ts-dpkg-test-'));
after(() => rmSync(admin, { recursive: true, force: true }));

const stanza = (name: string, f: Record<string, string> = {}) =>
  [`Package: ${name}`, 'Status: install ok installed', `Architecture: ${f.arch ?? 'amd64'}`, `Version: ${f.version ?? '1.0'}`, ...Object.entries(f).filter(([k]) => k !== 'arch' && k !== 'version').map(([k, v]) => `${k}: ${v}`)].join('\n');

writeFileSync(
  join(admin, 'status'),
  [
    stanza('app', { Depends: 'libc6 (>= 2.34), python3:any, debconf (>= 0.5) | debconf-2.0, libfoo-alt | libc6', 'Pre-Depends': 'init-system-helpers' }),
    stanza('libc6', { Depends: 'libgcc-s1', version: '2.36-9' }),
    stanza('libgcc-s1'),
    stanza('python3', { Depends: 'mime-support | media-types' }),
    stanza('media-types', { arch: 'all' }),
    stanza('debconf', { Depends: 'perl-base' }),
    stanza('perl-base'),
    stanza('init-system-helpers'),
    stanza('cdebconf', { Provides: 'debconf-2.0' }),
    stanza('other-arch', { arch: 'i386' }),
    ['Package: removed', 'Status: deinstall ok config-files', 'Architecture: amd64', 'Version: 1'].join('\n'),
  ].join('\n\n') + '\n',
);
mkdirSync(join(admin, 'info'));
writeFileSync(join(admin, 'info', 'libc6:amd64.list'), '/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libc.so.6\n');
writeFileSync(join(admin, 'info', 'media-types.list'), '/.\n/etc\n/etc/mime.types\n');

test('parseRelations drops versions and arch qualifiers and keeps alternatives', () => {
  assert.deepEqual(parseRelations('a (>= 1), b | c:any (>> 2),d:amd64'), [['a'], ['b', 'c'], ['d']]);
  assert.deepEqual(parseRelations(undefined), []);
});

test('dependsClosure follows Depends and Pre-Depends, skips what it is told, settles alternatives', () => {
  const db = readDpkgDb(admin);
  assert.equal(db.packages.has('other-arch'), false, 'foreign architectures are ignored');
  assert.equal(db.packages.has('removed'), false, 'packages not installed are ignored');
  const names = (skip: string[]) => dependsClosure(db, ['app'], skip).map((p) => p.name);
  // "libfoo-alt | libc6": libc6 is already in, so the alternative is not pulled in;
  // "mime-support | media-types": only media-types is installed.
  assert.deepEqual(names(['debconf', 'debconf-2.0', 'init-system-helpers']), ['app', 'libc6', 'libgcc-s1', 'media-types', 'python3']);
  // without skipping, debconf (first alternative, installed) and its own deps come in
  assert.deepEqual(names([]), ['app', 'debconf', 'init-system-helpers', 'libc6', 'libgcc-s1', 'media-types', 'perl-base', 'python3']);
  assert.throws(() => dependsClosure(db, ['nonexistent']), /nonexistent .* not installed/);
});

test('packageFiles reads dpkg file lists, with or without the architecture in the name', () => {
  const db = readDpkgDb(admin);
  assert.deepEqual(packageFiles(db, db.packages.get('libc6')!), ['/lib', '/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu/libc.so.6']);
  assert.deepEqual(packageFiles(db, db.packages.get('media-types')!), ['/etc', '/etc/mime.types']);
  assert.throws(() => packageFiles(db, db.packages.get('python3')!), /no file list/);
});
