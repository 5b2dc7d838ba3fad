/**
 * The image cache: an OCI image layout directory (oci-layout, index.json, blobs/sha256/<hex>) so
 * that other tools (skopeo, umoci, `ctr import` after tarring) can read it as is, plus small key
 * files mapping a layer's input key to the blob it produced. Blobs are written to a temporary
 * name and renamed once their digest is known, so a crash never leaves a blob under a wrong name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { tarStream, type TarEntry } from './tar.js';

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** Annotation names used in the cache's index.json and on built manifests. */
export const ANNOTATION = { refName: 'org.opencontainers.image.ref.name', key: 'io.k8ts.image.key', recipe: 'io.k8ts.image.recipe' } as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface OciIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

/** A layer blob as written: its digest (compressed), diffID (uncompressed) and compressed size. */
export interface LayerBlob {
  digest: string;
  diffId: string;
  size: number;
}

export const sha256Digest = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Counts and hashes what passes through. */
function tap(hash: ReturnType<typeof createHash>, count: { n: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      count.n += chunk.length;
      cb(null, chunk);
    },
  });
}

export class ImageStore {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    mkdirSync(join(dir, 'layers'), { recursive: true });
    if (!existsSync(join(dir, 'oci-layout'))) writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    if (!existsSync(join(dir, 'index.json'))) this.writeIndex({ schemaVersion: 2, mediaType: MEDIA.index, manifests: [] });
  }

  blobPath(digest: string): string {
    const [alg, hex] = digest.split(':');
    if (alg !== 'sha256' || !hex || !/^[0-9a-f]{64}$/.test(hex)) throw new Error(`unsupported digest ${digest}`);
    return join(this.dir, 'blobs', 'sha256', hex);
  }

  has(digest: string): boolean {
    return existsSync(this.blobPath(digest));
  }

  size(digest: string): number {
    return statSync(this.blobPath(digest)).size;
  }

  read(digest: string): Buffer {
    return readFileSync(this.blobPath(digest));
  }

  /** Stores bytes under their digest and returns a descriptor for them. */
  put(bytes: Buffer, mediaType: string): Descriptor {
    const digest = sha256Digest(bytes);
    if (!this.has(digest)) this.atomicWrite(this.blobPath(digest), bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /** Writes a gzip-compressed tar layer, hashing the tar (diffID) and the gzip (digest) on the way. */
  async writeLayer(entries: TarEntry[]): Promise<LayerBlob & { tarSize: number }> {
    const tmp = join(this.dir, 'blobs', `.tmp-${randomBytes(6).toString('hex')}`);
    const tarHash = createHash('sha256');
    const gzHash = createHash('sha256');
    const tarCount = { n: 0 };
    const gzCount = { n: 0 };
    try {
      // Node's gzip header carries no name and mtime 0, so equal tars give equal blobs.
      await pipeline(Readable.from(tarStream(entries)), tap(tarHash, tarCount), createGzip({ level: 6 }), tap(gzHash, gzCount), createWriteStream(tmp));
      const digest = `sha256:${gzHash.digest('hex')}`;
      renameSync(tmp, this.blobPath(digest));
      return { digest, diffId: `sha256:${tarHash.digest('hex')}`, size: gzCount.n, tarSize: tarCount.n };
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  /** The layer blob built earlier from inputs with this key, if its blob is still here. */
  layerByKey(key: string): LayerBlob | undefined {
    try {
      const l = JSON.parse(readFileSync(join(this.dir, 'layers', `${key}.json`), 'utf8')) as LayerBlob;
      return this.has(l.digest) ? l : undefined;
    } catch {
      return undefined;
    }
  }

  rememberLayer(key: string, blob: LayerBlob): void {
    this.atomicWrite(join(this.dir, 'layers', `${key}.json`), JSON.stringify(blob));
  }

  readIndex(): OciIndex {
    return JSON.parse(readFileSync(join(this.dir, 'index.json'), 'utf8')) as OciIndex;
  }

  /** The manifest descriptor tagged `ref` whose key annotation is `key`, if its blobs are all here. */
  lookup(ref: string, key: string): Descriptor | undefined {
    const d = this.readIndex().manifests.find((m) => m.annotations?.[ANNOTATION.refName] === ref && m.annotations[ANNOTATION.key] === key);
    if (!d || !this.has(d.digest)) return undefined;
    const m = JSON.parse(this.read(d.digest).toString('utf8')) as OciManifest;
    return [m.config, ...m.layers].every((b) => this.has(b.digest)) ? d : undefined;
  }

  /** Points `refs` at a manifest in index.json (replacing what they pointed at before). */
  tag(manifest: Descriptor, refs: string[], key: string): void {
    const index = this.readIndex();
    index.manifests = index.manifests.filter((m) => !refs.includes(m.annotations?.[ANNOTATION.refName] ?? ''));
    for (const ref of refs) {
      index.manifests.push({
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.size,
        platform: { architecture: 'amd64', os: 'linux' },
        annotations: { [ANNOTATION.refName]: ref, [ANNOTATION.key]: key },
      });
    }
    this.writeIndex(index);
  }

  private writeIndex(index: OciIndex): void {
    this.atomicWrite(join(this.dir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  }

  private atomicWrite(path: string, data: string | Buffer): void {
    const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  }
}
