import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { globToRegExp, toTarEntries, type FsTree } from './layers.js';
import { parseReference, formatReference } from './names.js';
import { indexTar, resolveMember, tarStream, type TarEntry } from './tar.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-tar-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function writeTar(file: string, entries: TarEntry[]): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of tarStream(entries)) chunks.push(c);
  writeFileSync(file, Buffer.concat(chunks));
}

const longName = `usr/lib/${'very-long-directory-name/'.repeat(8)}file-with-a-long-name.txt`;

test('tarStream writes what GNU tar reads back: modes, owners, long names, links', async (t) => {
  const file = join(dir, 'a.tar');
  await writeTar(file, [
    { path: 'bin', type: 'dir', mode: 0o755, mtime: 1000 },
    { path: 'bin/tool', type: 'file', mode: 0o4755, mtime: 1234567890, body: () => Buffer.from('#!/bin/sh\necho hi\n') },
    { path: 'bin/alias', type: 'symlink', mode: 0o777, mtime: 1000, linkname: 'tool' },
    { path: 'bin/hard', type: 'hardlink', mode: 0o755, mtime: 1000, linkname: 'bin/tool' },
    { path: 'tmp', type: 'dir', mode: 0o1777, mtime: 1000 },
    { path: longName, type: 'file', mode: 0o644, mtime: 1000, body: () => Buffer.from('x'.repeat(1000)) },
    { path: 'usr/lib/link', type: 'symlink', mode: 0o777, mtime: 1000, linkname: `/${longName}` },
  ]);
  if (!existsSync('/usr/bin/tar')) return t.skip('GNU tar not installed');
  const listing = execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8' });
  assert.match(listing, /-rwsr-xr-x 0\/0 +18 2009-02-13 23:31 bin\/tool/);
  assert.match(listing, /drwxrwxrwt 0\/0 .* tmp\//);
  assert.match(listing, /bin\/alias -> tool/);
  assert.match(listing, /bin\/hard link to bin\/tool/);
  assert.ok(listing.includes(longName), 'long name kept through a pax header');
  assert.ok(listing.includes(`usr/lib/link -> /${longName}`), 'long link target kept');
  const out = join(dir, 'x');
  execFileSync('mkdir', ['-p', out]);
  execFileSync('tar', ['-xf', file, '-C', out]);
  assert.equal(readFileSync(join(out, longName), 'utf8'), 'x'.repeat(1000));
});

test('indexTar finds member bodies by name, through pax names and links', async () => {
  const file = join(dir, 'b.tar');
  await writeTar(file, [
    { path: 'manifest.json', type: 'file', mode: 0o644, mtime: 0, body: () => Buffer.from('[1,2]') },
    { path: longName, type: 'file', mode: 0o644, mtime: 0, body: () => Buffer.from('long body') },
    { path: 'abc/layer.tar', type: 'symlink', mode: 0o777, mtime: 0, linkname: `../${longName}` },
  ]);
  const members = await indexTar(file);
  const bytes = readFileSync(file);
  const body = (name: string) => {
    const m = resolveMember(members, name);
    assert.ok(m, name);
    return bytes.subarray(m.offset, m.offset + m.size).toString();
  };
  assert.equal(body('manifest.json'), '[1,2]');
  assert.equal(body(`./${longName}`), 'long body');
  // as in `docker save`: "<id>/layer.tar -> ../<blob>", relative to the link's directory
  assert.equal(body('abc/layer.tar'), 'long body');
  assert.equal(resolveMember(members, 'missing'), undefined);
});

test('toTarEntries sorts bytewise, adds missing parents, and turns repeated inodes into hard links', () => {
  const tree: FsTree = new Map([
    ['/usr/lib/b', { type: 'file', mode: 0o644, mtime: 5, inode: '1:2', body: () => Buffer.from('b') }],
    ['/usr/lib/a', { type: 'file', mode: 0o644, mtime: 5, inode: '1:2', body: () => Buffer.from('b') }],
    ['/usr/lib-x', { type: 'dir', mode: 0o700, mtime: 5 }],
    ['/etc/passwd', { type: 'file', mode: 0o644, mtime: 5, body: () => Buffer.from('root') }],
  ]);
  const entries = toTarEntries(tree);
  assert.deepEqual(
    entries.map((e) => `${e.type}:${e.path}${e.linkname ? `->${e.linkname}` : ''}`),
    // bytewise: "-" (0x2d) sorts before "/" (0x2f); a parent still comes before its children
    ['dir:etc', 'file:etc/passwd', 'dir:usr', 'dir:usr/lib', 'dir:usr/lib-x', 'file:usr/lib/a', 'hardlink:usr/lib/b->usr/lib/a'],
  );
});

test('globToRegExp: * stays within a segment, ** crosses them', () => {
  const cases: [string, string, boolean][] = [
    ['/usr/share/doc/**', '/usr/share/doc/libc6/copyright', true],
    ['/usr/share/doc/*/copyright', '/usr/share/doc/libc6/copyright', true],
    ['/usr/share/doc/*/copyright', '/usr/share/doc/a/b/copyright', false],
    ['/etc/init.d/**', '/etc/init.d', false],
    ['/usr/share/man/**', '/usr/share/manx/a', false],
  ];
  for (const [glob, path, want] of cases) assert.equal(globToRegExp(glob).test(path), want, `${glob} ~ ${path}`);
});

test('parseReference normalizes as Docker and containerd do', () => {
  const cases: [string, string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest', 'library/nginx'],
    ['redis:latest', 'docker.io/library/redis:latest', 'library/redis'],
    ['xiaopeng163/docker-flask-demo:1.0', 'docker.io/xiaopeng163/docker-flask-demo:1.0', 'xiaopeng163/docker-flask-demo'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9', 'pause'],
    ['localhost:5000/a/b', 'localhost:5000/a/b:latest', 'a/b'],
    ['index.docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36', 'library/busybox'],
    [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`, 'library/busybox'],
  ];
  for (const [input, canonical, repo] of cases) {
    const r = parseReference(input);
    assert.equal(formatReference(r), canonical, input);
    assert.equal(r.repository, repo, input);
  }
  assert.throws(() => parseReference('Nginx'), /lowercase/);
  assert.throws(() => parseReference('nginx:bad tag'), /bad tag/);
});
