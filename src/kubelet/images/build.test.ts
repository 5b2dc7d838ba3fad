// Builds the real example images from this machine's Debian packages and checks them as an OCI
// consumer would: digests, diffIDs, layer contents, configs, and that a second build is identical.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../util/log.js';
import { buildImages, planImages, type BuiltImage } from './build.js';
import type { RuntimeConfig } from './recipe.js';
import { ANNOTATION, ImageStore, type OciIndex, type OciManifest } from './store.js';

const log = createLogger('images-test', { write: () => true } as unknown as NodeJS.WritableStream);
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const unavailable = planImages().filter((p) => 'error' in p);
const skip = unavailable.length
  ? `recipes cannot be planned here: ${unavailable.map((p) => ('error' in p ? p.error.message : '')).join('; ')}`
  : !existsSync('/usr/bin/gcc')
    ? 'gcc not installed'
    : false;

describe('example images', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-build-test-'));
  const cacheA = join(root, 'a');
  const cacheB = join(root, 'b');
  let built: BuiltImage[] = [];
  after(() => rmSync(root, { recursive: true, force: true }));
  before(async () => {
    built = await buildImages({ cacheDir: cacheA, log });
  });

  const image = (name: string) => {
    const img = built.find((b) => b.name === name);
    assert.ok(img, `image ${name} built`);
    const store = new ImageStore(cacheA);
    const manifest = JSON.parse(store.read(img.manifest.digest).toString('utf8')) as OciManifest;
    const config = JSON.parse(store.read(manifest.config.digest).toString('utf8')) as { config: RuntimeConfig; rootfs: { diff_ids: string[] }; architecture: string; os: string };
    return { img, store, manifest, config };
  };
  /** "type mode uid/gid path[ -> target]" for every member of every layer, via GNU tar. */
  const listing = (name: string): string[] => {
    const { store, manifest } = image(name);
    return manifest.layers.flatMap((l) => execFileSync('tar', ['--numeric-owner', '-tvzf', store.blobPath(l.digest)], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n'));
  };
  const has = (lines: string[], re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `a layer member matches ${re}`);

  test('every image is a valid OCI image: digests, sizes and diffIDs match the bytes', () => {
    assert.deepEqual(built.map((b) => b.name).sort(), ['busybox', 'flask-demo-1.0', 'flask-demo-2.0', 'nginx', 'pause', 'redis']);
    for (const b of built) {
      const { store, manifest, config } = image(b.name);
      assert.equal(sha(store.read(b.manifest.digest)), b.manifest.digest);
      assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      assert.equal(manifest.annotations?.[ANNOTATION.key], b.key);
      assert.equal(config.architecture, 'amd64');
      assert.equal(config.os, 'linux');
      assert.equal(config.rootfs.diff_ids.length, manifest.layers.length);
      for (const [i, l] of manifest.layers.entries()) {
        const blob = store.read(l.digest);
        assert.equal(l.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
        assert.equal(sha(blob), l.digest);
        assert.equal(blob.length, l.size);
        assert.equal(sha(gunzipSync(blob)), config.rootfs.diff_ids[i], `${b.name} layer ${i} diffID`);
      }
    }
    const index = JSON.parse(readFileSync(join(cacheA, 'index.json'), 'utf8')) as OciIndex;
    const refs = index.manifests.map((m) => m.annotations?.[ANNOTATION.refName]).sort();
    assert.deepEqual(refs, [
      'docker.io/library/busybox:latest',
      'docker.io/library/nginx:latest',
      'docker.io/library/redis:latest',
      'docker.io/xiaopeng163/docker-flask-demo:1.0',
      'docker.io/xiaopeng163/docker-flask-demo:2.0',
      'registry.k8s.io/pause:3.9',
    ]);
  });

  test('layers are reproducible: owned by 0/0, sorted, and a rebuild elsewhere gives the same digests', async () => {
    for (const b of built) {
      const names = listing(b.name);
      assert.ok(names.every((l) => / 0\/0 /.test(l)), `${b.name}: every member owned by 0/0`);
      const { store, manifest } = image(b.name);
      for (const l of manifest.layers) {
        const paths = execFileSync('tar', ['-tzf', store.blobPath(l.digest)], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n').map((p) => p.replace(/\/$/, ''));
        const sorted = [...paths].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
        assert.deepEqual(paths, sorted, `${b.name}: layer members sorted`);
      }
    }
    const again = await buildImages({ cacheDir: cacheB, log });
    assert.deepEqual(
      again.map((b) => `${b.name} ${b.manifest.digest}`).sort(),
      built.map((b) => `${b.name} ${b.manifest.digest}`).sort(),
    );
  });

  test('a second build in the same cache builds nothing', async () => {
    const events: string[] = [];
    const warm = await buildImages({ cacheDir: cacheA, log, onProgress: (e) => events.push(e.phase === 'image' ? `${e.image.name}:${e.image.cached}` : 'layer') });
    assert.ok(warm.every((b) => b.cached));
    assert.ok(!events.includes('layer'), 'no layer built or even looked at');
  });

  test('busybox: static busybox with a link per applet, sh as the command', () => {
    const lines = listing('busybox');
    const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).trim().split('\n').filter((a) => a !== 'busybox');
    for (const a of ['sh', 'wget', 'nslookup', 'sleep']) assert.ok(applets.includes(a));
    for (const a of applets) has(lines, new RegExp(` bin/${a.replace(/[[\]]/g, '\\$&')} -> busybox$`));
    has(lines, /^-rwxr-xr-x .* bin\/busybox$/);
    has(lines, /^drwxrwxrwt .* tmp\/$/);
    assert.deepEqual(image('busybox').config.config.Cmd, ['sh']);
  });

  test('nginx: Debian nginx with our config, logs linked to stdout/stderr, docs dropped but licences kept', () => {
    const lines = listing('nginx');
    has(lines, / usr\/sbin\/nginx$/);
    has(lines, / var\/log\/nginx\/access.log -> \/dev\/stdout$/);
    has(lines, / var\/log\/nginx\/error.log -> \/dev\/stderr$/);
    has(lines, / usr\/share\/nginx\/html\/index.html$/);
    has(lines, / usr\/share\/doc\/libc6\/copyright$/);
    has(lines, / bin -> usr\/bin$/);
    assert.ok(!lines.some((l) => / usr\/share\/(man\/.|doc\/[^/]+\/changelog)/.test(l)), 'no man pages or changelogs');
    assert.ok(!lines.some((l) => / (bin|lib|lib64|sbin)\/./.test(l)), 'package files land under /usr (merged /usr)');
    const { config } = image('nginx');
    assert.deepEqual(config.config.Cmd, ['nginx', '-g', 'daemon off;']);
    assert.deepEqual(config.config.ExposedPorts, { '80/tcp': {} });
    assert.equal(config.config.StopSignal, 'SIGQUIT');
    assert.ok(config.config.Env?.some((e) => e.startsWith('PATH=/usr/local/sbin:/usr/local/bin:')));
  });

  test('redis, flask demo and pause configs look like the upstream images', () => {
    assert.deepEqual(image('redis').config.config.Cmd, ['redis-server']);
    assert.equal(image('redis').config.config.WorkingDir, '/data');
    assert.deepEqual(image('redis').config.config.ExposedPorts, { '6379/tcp': {} });
    for (const v of ['1.0', '2.0']) {
      const { config } = image(`flask-demo-${v}`);
      assert.deepEqual(config.config.Cmd, ['python3', 'app.py']);
      assert.equal(config.config.WorkingDir, '/app');
      assert.deepEqual(config.config.ExposedPorts, { '5000/tcp': {} });
    }
    // the two demo versions share every layer but the app's
    const one = image('flask-demo-1.0').manifest.layers.map((l) => l.digest);
    const two = image('flask-demo-2.0').manifest.layers.map((l) => l.digest);
    assert.deepEqual(one.slice(0, -1), two.slice(0, -1));
    assert.notEqual(one.at(-1), two.at(-1));
    const pause = image('pause');
    assert.deepEqual(pause.config.config.Entrypoint, ['/pause']);
    const tar = gunzipSync(pause.store.read(pause.manifest.layers[0]?.digest ?? ''));
    const elf = tar.subarray(tar.indexOf(Buffer.from('\x7fELF', 'latin1')));
    assert.equal(elf.readUInt8(4), 2, 'pause is a 64-bit ELF binary');
    // a static binary has no PT_INTERP (type 3) program header
    const phoff = Number(elf.readBigUInt64LE(0x20));
    const types = Array.from({ length: elf.readUInt16LE(0x38) }, (_, i) => elf.readUInt32LE(phoff + i * elf.readUInt16LE(0x36)));
    assert.ok(types.length > 0 && !types.includes(3), 'pause is statically linked');
  });
});
