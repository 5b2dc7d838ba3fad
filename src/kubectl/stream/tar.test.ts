import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { encodeHeader, endOfArchive, header, padding, readTar, type TarHeader } from './tar.js';

interface Member {
  header: TarHeader;
  data: string;
}

async function readAll(bytes: Buffer, chunkSize = 7): Promise<Member[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: Member[] = [];
  for await (const ev of readTar(Readable.from(chunks))) {
    if (ev.kind === 'header') out.push({ header: ev.header, data: '' });
    else out[out.length - 1]!.data += ev.chunk.toString('utf8');
  }
  return out;
}

function archive(members: { h: TarHeader; data?: string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? '');
    parts.push(encodeHeader({ ...m.h, size: data.length }), data, padding(data.length));
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}

const longDir = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
const cases: { name: string; h: TarHeader; data?: string }[] = [
  { name: 'a regular file', h: header({ name: 'a.txt', mode: 0o640, uid: 1000, gid: 100, mtime: 1700000000, uname: 'me', gname: 'users' }), data: 'hello\n' },
  { name: 'a file of exactly one block', h: header({ name: 'block' }), data: 'x'.repeat(512) },
  { name: 'an empty file', h: header({ name: 'empty' }), data: '' },
  { name: 'a directory', h: header({ name: 'dir/', type: '5', mode: 0o755 }) },
  { name: 'a symlink', h: header({ name: 'link', type: '2', linkname: '../target' }) },
  { name: 'a name split into prefix and name', h: header({ name: `${longDir}/file.txt` }), data: 'deep' },
  { name: 'a name too long for ustar (PAX path)', h: header({ name: `${'n'.repeat(150)}.txt` }), data: 'pax' },
  { name: 'a long link name (PAX linkpath)', h: header({ name: 'l', type: '2', linkname: 't'.repeat(120) }) },
  { name: 'a UTF-8 name', h: header({ name: 'grüße/日本.txt' }), data: 'ü' },
];

for (const c of cases) {
  test(`tar round trip: ${c.name}`, async () => {
    const bytes = archive([{ h: c.h, data: c.data }]);
    assert.equal(bytes.length % 512, 0);
    const [m, ...rest] = await readAll(bytes);
    assert.equal(rest.length, 0);
    const dataLen = Buffer.byteLength(c.data ?? '');
    assert.deepEqual(m!.header, { ...c.h, size: c.h.type === '0' ? dataLen : 0 });
    assert.equal(m!.data, c.data ?? '');
  });
}

test('GNU tar reads what we write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-tar-'));
  try {
    const bytes = archive([
      { h: header({ name: 'top/', type: '5', mode: 0o755 }) },
      { h: header({ name: 'top/f.txt', mode: 0o600, mtime: 1600000000 }), data: 'content\n' },
      { h: header({ name: `top/${'n'.repeat(150)}` }), data: 'long\n' },
      { h: header({ name: 'top/ln', type: '2', linkname: 'f.txt' }) },
    ]);
    const r = spawnSync('tar', ['-xf', '-', '-C', dir], { input: bytes });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(readFileSync(join(dir, 'top/f.txt'), 'utf8'), 'content\n');
    assert.equal(readFileSync(join(dir, 'top', 'n'.repeat(150)), 'utf8'), 'long\n');
    assert.equal(readFileSync(join(dir, 'top/ln'), 'utf8'), 'content\n');
    const list = spawnSync('tar', ['-tvf', '-'], { input: bytes, encoding: 'utf8' }).stdout;
    assert.match(list, /^-rw------- 0\/0\s+8 2020-09-13 \d\d:\d\d top\/f\.txt$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const format of ['gnu', 'ustar', 'pax']) {
  test(`we read what GNU tar writes (--format=${format})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-tar-'));
    try {
      const deep = join(dir, 'src', 'x'.repeat(90), 'y'.repeat(90));
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(dir, 'src', 'small.txt'), 'small\n');
      writeFileSync(join(deep, 'big.bin'), Buffer.alloc(70_000, 7));
      symlinkSync('small.txt', join(dir, 'src', 'sym'));
      const r = spawnSync('tar', [`--format=${format}`, '-cf', '-', '-C', dir, 'src']);
      assert.equal(r.status, 0, r.stderr.toString());
      const members = await readAll(r.stdout, 1000);
      const byName = new Map(members.map((m) => [m.header.name, m]));
      assert.equal(byName.get('src/small.txt')?.data, 'small\n');
      assert.equal(byName.get('src/sym')?.header.type, '2');
      assert.equal(byName.get('src/sym')?.header.linkname, 'small.txt');
      const big = byName.get(`src/${'x'.repeat(90)}/${'y'.repeat(90)}/big.bin`);
      assert.equal(big?.header.size, 70_000);
      assert.equal(big?.data.length, 70_000);
      assert.equal(byName.get('src/')?.header.type, '5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a truncated archive is an unexpected EOF; garbage is an invalid header; empty input is no members', async () => {
  const whole = archive([{ h: header({ name: 'f' }), data: 'abcdef' }]);
  await assert.rejects(readAll(whole.subarray(0, 515)), /^TarError: unexpected EOF$/);
  await assert.rejects(readAll(whole.subarray(0, 300)), /unexpected EOF/);
  await assert.rejects(readAll(Buffer.alloc(512, 0x41)), /archive\/tar: invalid tar header/);
  assert.deepEqual(await readAll(Buffer.alloc(0)), []);
});

test('the archive ends at the first zero block: trailing bytes are not read as members', async () => {
  const bytes = Buffer.concat([archive([{ h: header({ name: 'only' }), data: 'x' }]), Buffer.alloc(8192)]);
  const members = await readAll(bytes, 4096);
  assert.deepEqual(members.map((m) => m.header.name), ['only']);
});
