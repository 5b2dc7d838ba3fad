// A real docker-registry on a free loopback port with a temporary store: start/reuse, pushing the
// built images, reading them back by digest, and importing docker-save and OCI archives.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createLogger } from '../../util/log.js';
import { planImages } from './build.js';
import { catalog, getBlob, getManifest, hasManifest, tags } from './client.js';
import { importArchive } from './import.js';
import { ensureImages, ensureRegistry, probeRegistry, type ImageProgress, type RegistryHandle } from './registry.js';
import { ImageStore, type OciManifest } from './store.js';
import { tarStream, type TarEntry } from './tar.js';

const log = createLogger('registry-test', { write: () => true } as unknown as NodeJS.WritableStream);
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const only = ['busybox', 'pause', 'redis'];
const skip = !existsSync('/usr/bin/docker-registry')
  ? 'docker-registry not installed'
  : planImages({ only }).some((p) => 'error' in p)
    ? 'busybox-static, gcc or redis-server missing'
    : false;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function writeTar(file: string, entries: TarEntry[]): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of tarStream(entries)) chunks.push(c);
  writeFileSync(file, Buffer.concat(chunks));
}
const file = (path: string, bytes: Buffer): TarEntry => ({ path, type: 'file', mode: 0o644, mtime: 0, body: () => bytes });

describe('registry', { skip, timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-registry-test-'));
  const cacheDir = join(root, 'cache');
  let reg: RegistryHandle | undefined;
  let url = '';
  let address = '';
  after(async () => {
    await reg?.stop();
    rmSync(root, { recursive: true, force: true });
  });
  before(async () => {
    address = `127.0.0.1:${await freePort()}`;
    reg = await ensureRegistry({ address, storageDir: join(root, 'registry'), log });
    url = reg.url;
  });

  test('ensureRegistry starts docker-registry, then reuses the one that answers', async () => {
    assert.equal(reg?.owned, true);
    assert.equal(url, `http://${address}`);
    const again = await ensureRegistry({ address, storageDir: join(root, 'other'), log });
    assert.equal(again.owned, false);
    assert.equal(again.url, url);
    await again.stop(); // a no-op for a registry we do not own
    assert.equal(await probeRegistry(url), 'registry');
  });

  test('ensureRegistry refuses an address held by something that is not a registry', async () => {
    const server: Server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      await assert.rejects(ensureRegistry({ address: `127.0.0.1:${port}`, storageDir: join(root, 'x'), log }), /not a registry/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('ensureImages pushes under the names containerd asks a mirror for; the registry returns the same bytes', async () => {
    const events: ImageProgress[] = [];
    await ensureImages({ registryUrl: url, cacheDir, only, log, onProgress: (e) => events.push(e) });
    assert.ok(events.some((e) => e.phase === 'push' && e.kind === 'manifest'));
    assert.deepEqual((await catalog(url)).sort(), ['library/busybox', 'library/redis', 'pause']);
    assert.deepEqual(await tags(url, 'pause'), ['3.9']);
    assert.deepEqual(await tags(url, 'library/busybox'), ['latest']);
    const store = new ImageStore(cacheDir);
    for (const [repo, tag, ref] of [['pause', '3.9', 'registry.k8s.io/pause:3.9'], ['library/busybox', 'latest', 'docker.io/library/busybox:latest']] as const) {
      const m = await getManifest(url, repo, tag);
      assert.ok(m);
      const cached = store.readIndex().manifests.find((d) => d.annotations?.['org.opencontainers.image.ref.name'] === ref);
      assert.equal(m.digest, cached?.digest, `${repo}:${tag} manifest digest`);
      assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      assert.equal(await hasManifest(url, repo, tag), m.digest);
      const manifest = JSON.parse(m.bytes.toString('utf8')) as OciManifest;
      for (const d of [manifest.config, ...manifest.layers]) assert.equal(sha(await getBlob(url, repo, d.digest)), d.digest);
    }
    assert.equal(await hasManifest(url, 'pause', 'nope'), undefined);
  });

  test('ensureImages again is HEAD checks only, even with the cache wiped', async () => {
    for (const cache of [cacheDir, join(root, 'empty-cache')]) {
      const events: ImageProgress[] = [];
      await ensureImages({ registryUrl: url, cacheDir: cache, only, log, onProgress: (e) => events.push(e) });
      assert.deepEqual([...new Set(events.map((e) => e.phase))], ['present'], `nothing built or pushed (cache ${cache})`);
      assert.equal(events.length, 3);
    }
  });

  test('import: a docker save archive (uncompressed layers, symlinked layers) and an OCI archive', async () => {
    const store = new ImageStore(cacheDir);
    const desc = store.readIndex().manifests.find((d) => d.annotations?.['org.opencontainers.image.ref.name'] === 'docker.io/library/busybox:latest');
    assert.ok(desc);
    const manifestBytes = store.read(desc.digest);
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as OciManifest;
    const config = store.read(manifest.config.digest);
    const tars = manifest.layers.map((l) => gunzipSync(store.read(l.digest)));

    const dockerTar = join(root, 'save.tar');
    const entries: TarEntry[] = [file(`${manifest.config.digest.slice(7)}.json`, config)];
    // as newer `docker save` does: "<id>/layer.tar" is a symlink to "../<hex>.tar"; one stays a plain file
    tars.forEach((t, i) => {
      if (i === 0) return entries.push(file(`layer${i}/layer.tar`, t));
      entries.push(file(`${sha(t).slice(7)}.tar`, t));
      entries.push({ path: `layer${i}/layer.tar`, type: 'symlink', mode: 0o777, mtime: 0, linkname: `../${sha(t).slice(7)}.tar` });
    });
    const layers = tars.map((_, i) => `layer${i}/layer.tar`);
    entries.unshift(file('manifest.json', Buffer.from(JSON.stringify([{ Config: `${manifest.config.digest.slice(7)}.json`, RepoTags: ['k8ts-test/dsave:1'], Layers: layers }]))));
    await writeTar(dockerTar, entries);
    const [saved] = await importArchive(dockerTar, { registryUrl: url });
    assert.equal(saved?.reference, 'docker.io/k8ts-test/dsave:1');
    const pulled = await getManifest(url, 'k8ts-test/dsave', '1');
    assert.ok(pulled);
    const pm = JSON.parse(pulled.bytes.toString('utf8')) as OciManifest;
    assert.equal(pm.config.digest, manifest.config.digest, 'config kept byte for byte');
    assert.deepEqual(pm.layers.map((l) => l.digest), tars.map(sha), 'uncompressed layers pushed as they are');
    assert.ok(pm.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar'));

    const ociTar = join(root, 'oci.tar');
    const index = { schemaVersion: 2, manifests: [{ ...desc, annotations: { 'org.opencontainers.image.ref.name': '7' } }] };
    await writeTar(ociTar, [
      file('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')),
      file('index.json', Buffer.from(JSON.stringify(index))),
      ...[desc.digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)].map((d) => file(`blobs/sha256/${d.slice(7)}`, store.read(d))),
    ]);
    await assert.rejects(importArchive(ociTar, { registryUrl: url }), /give --name/);
    const [oci] = await importArchive(ociTar, { registryUrl: url, name: 'k8ts-test/oci' });
    assert.deepEqual(oci && { repo: oci.repo, tag: oci.tag, digest: oci.digest }, { repo: 'k8ts-test/oci', tag: '7', digest: desc.digest });
  });

  test('import: archives written by skopeo (docker-archive and oci-archive)', async (t) => {
    if (!existsSync('/usr/bin/skopeo')) return t.skip('skopeo not installed');
    const src = `docker://${address}/library/busybox:latest`;
    const d = join(root, 'skopeo-docker.tar');
    const o = join(root, 'skopeo-oci.tar');
    execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', src, `docker-archive:${d}:k8ts-test/skd:3`], { timeout: 60_000 });
    execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', src, `oci-archive:${o}:k8ts-test/sko:4`], { timeout: 60_000 });
    const [a] = await importArchive(d, { registryUrl: url });
    const [b] = await importArchive(o, { registryUrl: url });
    assert.equal(a?.reference, 'docker.io/k8ts-test/skd:3');
    assert.equal(b?.reference, 'docker.io/k8ts-test/sko:4');
    // skopeo reads them back from our registry, checking every digest on the way
    for (const ref of ['k8ts-test/skd:3', 'k8ts-test/sko:4']) {
      execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${address}/${ref}`, `oci:${join(root, 'back')}:${ref.replace(/[/:]/g, '-')}`], { timeout: 60_000 });
    }
  });

  test('a registry we started dies with us, even when we are killed', async () => {
    const other = `127.0.0.1:${await freePort()}`;
    const script = `
      const { ensureRegistry } = await import(${JSON.stringify(new URL('./registry.js', import.meta.url).href)});
      await ensureRegistry({ address: '${other}', storageDir: ${JSON.stringify(join(root, 'killed'))}, log: { info() {}, warn() {}, error() {} } });
      console.log('ready');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`helper exited early (${code})`)));
      });
      assert.equal(await probeRegistry(`http://${other}`), 'registry');
      child.kill('SIGKILL');
      let state = 'registry';
      for (let i = 0; i < 200 && state !== 'none'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        state = await probeRegistry(`http://${other}`);
      }
      assert.equal(state, 'none', 'the orphaned registry went away');
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('stop() ends the registry we started', async () => {
    await reg?.stop();
    reg = undefined;
    assert.equal(await probeRegistry(url), 'none');
  });
});
