/**
 * Imports image archives into the registry so every node can pull them: OCI archives (a tarred
 * image layout with index.json, as `skopeo copy ... oci-archive:` or `ctr export` write) and
 * `docker save` archives (manifest.json naming a config and layer tars). Blobs are streamed out of
 * the archive by byte range, never unpacked; a gzip-compressed archive is inflated to a temp file first.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, openSync, readSync, closeSync, rmSync, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { pushImage, type PushProgress } from './client.js';
import { layoutImages, resolveImage, type BlobSource, type PushableImage } from './layout.js';
import { formatReference, parseReference } from './names.js';
import { MEDIA, sha256Digest, type Descriptor, type OciIndex } from './store.js';
import { indexTar, resolveMember, type TarMember } from './tar.js';

export interface ImportOptions {
  registryUrl: string;
  /** Name for the image; required when the archive names none, allowed only when it holds one image. */
  name?: string;
  onProgress?: (e: PushProgress) => void;
}

export interface ImportedImage {
  /** Canonical reference, e.g. docker.io/library/foo:1.0 */
  reference: string;
  repo: string;
  tag: string;
  digest: string;
}

function magic(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    readSync(fd, b, 0, n, 0);
    return b;
  } finally {
    closeSync(fd);
  }
}

class ArchiveBlobs {
  constructor(
    readonly file: string,
    readonly members: Map<string, TarMember>,
  ) {}

  member(name: string): TarMember {
    const m = resolveMember(this.members, name);
    if (!m) throw new Error(`${this.file}: archive has no file ${name}`);
    return m;
  }

  /**
   * A small member (index, manifest, config) read whole — refused past 4 MiB (containerd's manifest
   * limit) rather than trusting the size a tar header claims — or only its first `prefix` bytes.
   */
  async read(name: string, prefix?: number): Promise<Buffer> {
    const m = this.member(name);
    const max = 4 * 1024 * 1024;
    if (prefix === undefined && m.size > max) throw new Error(`${this.file}: ${name} is ${m.size} bytes, more than the ${max} a manifest or config may have`);
    const fh = await open(this.file, 'r');
    try {
      const b = Buffer.alloc(Math.min(m.size, prefix ?? m.size));
      const { bytesRead } = await fh.read(b, 0, b.length, m.offset);
      if (bytesRead < b.length) throw new Error(`${this.file}: ${name} is truncated`);
      return b;
    } finally {
      await fh.close();
    }
  }

  open(name: string): Readable {
    const m = this.member(name);
    return createReadStream(this.file, { start: m.offset, end: m.offset + m.size - 1 });
  }

  async sha256(name: string): Promise<string> {
    const h = createHash('sha256');
    for await (const chunk of this.open(name)) h.update(chunk as Buffer);
    return `sha256:${h.digest('hex')}`;
  }
}

/** The images of an OCI archive, each with the name the archive gives it (if any). */
async function fromOci(a: ArchiveBlobs): Promise<{ name?: string; image: PushableImage }[]> {
  const index = JSON.parse((await a.read('index.json')).toString('utf8')) as OciIndex;
  const small = new Map<string, Buffer>();
  const blobName = (d: string) => `blobs/${d.replace(':', '/')}`;
  // Manifests and indexes are read whole (they are small) before resolving, so the sync reader can serve them.
  // Nested indexes are followed only when the blob is what its digest says, once each, to a small depth.
  const preload = async (d: Descriptor, depth = 0): Promise<void> => {
    if (small.has(d.digest) || depth > 4) return;
    const b = await a.read(blobName(d.digest));
    if (`sha256:${createHash('sha256').update(b).digest('hex')}` !== d.digest) throw new Error(`${a.file}: blob ${d.digest} does not match its digest`);
    small.set(d.digest, b);
    const j = JSON.parse(b.toString('utf8')) as { manifests?: Descriptor[] };
    for (const c of j.manifests ?? []) if (a.members.has(blobName(c.digest))) await preload(c, depth + 1);
  };
  const src: BlobSource = {
    read: (d) => {
      const b = small.get(d);
      if (!b) throw new Error(`${a.file}: blob ${d} not loaded`);
      return b;
    },
    open: (d) => a.open(blobName(d)),
  };
  const out: { name?: string; image: PushableImage }[] = [];
  for (const { name, desc } of layoutImages(index)) {
    await preload(desc);
    out.push({ name, image: resolveImage(src, desc) });
  }
  return out;
}

interface DockerSaveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** The images of a `docker save` archive, re-described as OCI manifests (layers keep their bytes). */
async function fromDockerSave(a: ArchiveBlobs): Promise<{ name?: string; image: PushableImage }[]> {
  const entries = JSON.parse((await a.read('manifest.json')).toString('utf8')) as DockerSaveEntry[];
  const out: { name?: string; image: PushableImage }[] = [];
  for (const e of entries) {
    const configBytes = await a.read(e.Config);
    const paths = new Map<string, string>([[sha256Digest(configBytes), e.Config]]);
    const layers: Descriptor[] = [];
    for (const l of e.Layers) {
      const digest = await a.sha256(l);
      paths.set(digest, l);
      const gz = (await a.read(l, 2)).equals(Buffer.from([0x1f, 0x8b]));
      layers.push({ mediaType: gz ? MEDIA.layerGzip : MEDIA.layerTar, digest, size: a.member(l).size });
    }
    const config: Descriptor = { mediaType: MEDIA.config, digest: sha256Digest(configBytes), size: configBytes.length };
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, config, layers }));
    const image: PushableImage = { manifest, mediaType: MEDIA.manifest, blobs: [config, ...layers], open: (d) => a.open(paths.get(d) ?? d) };
    const tags = e.RepoTags ?? [];
    if (tags.length === 0) out.push({ image });
    for (const t of tags) out.push({ name: t, image });
  }
  return out;
}

/** The reference to push an archive image under: --name wins; a bare tag in the archive completes a --name without one. */
function nameFor(archiveName: string | undefined, flagName: string | undefined, file: string): ReturnType<typeof parseReference> {
  const fullInArchive = archiveName && (archiveName.includes('/') || archiveName.includes(':')) ? archiveName : undefined;
  if (flagName) {
    const r = parseReference(flagName);
    const explicitTag = /:[^/]+$/.test(flagName.split('@')[0] ?? '');
    if (!explicitTag && archiveName && !fullInArchive) r.tag = archiveName;
    return r;
  }
  if (!fullInArchive) throw new Error(`${file}: the archive does not name its image${archiveName ? ` (only "${archiveName}")` : ''}; give --name`);
  return parseReference(fullInArchive);
}

/** Imports every image of an archive into the registry (as repo:tag, the host part dropped, as a mirror is asked). */
export async function importArchive(file: string, o: ImportOptions): Promise<ImportedImage[]> {
  let tarFile = file;
  let tmp: string | undefined;
  try {
    if (magic(file, 2).equals(Buffer.from([0x1f, 0x8b]))) {
      tmp = mkdtempSync(join(tmpdir(), 'k8ts-import-'));
      tarFile = join(tmp, 'archive.tar');
      await pipeline(createReadStream(file), createGunzip(), createWriteStream(tarFile));
    }
    const a = new ArchiveBlobs(tarFile, await indexTar(tarFile));
    let images: { name?: string; image: PushableImage }[];
    if (a.members.has('index.json')) images = await fromOci(a);
    else if (a.members.has('manifest.json')) images = await fromDockerSave(a);
    else throw new Error(`${file}: neither an OCI archive (index.json) nor a docker save archive (manifest.json)`);
    if (images.length === 0) throw new Error(`${file}: the archive holds no images`);
    if (o.name && new Set(images.map((i) => sha256Digest(i.image.manifest))).size > 1) {
      throw new Error(`${file}: --name given but the archive holds ${images.length} images`);
    }
    const done: ImportedImage[] = [];
    for (const { name, image } of images) {
      const ref = nameFor(name, o.name, file);
      const tag = ref.tag ?? 'latest';
      const digest = await pushImage(o.registryUrl, image, ref.repository, [tag], o.onProgress);
      done.push({ reference: formatReference({ ...ref, tag, digest: undefined }), repo: ref.repository, tag, digest });
      if (o.name) break;
    }
    return done;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
