/**
 * Images as something to push: a manifest and a way to read its blobs, from an OCI image layout
 * directory (our cache, or `skopeo copy ... oci:DIR`) or any other blob source. A multi-platform
 * index is narrowed to its linux/amd64 manifest, the only platform these machines run.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ANNOTATION, MEDIA, sha256Digest, type Descriptor, type OciIndex, type OciManifest } from './store.js';

/** An image ready to push: the manifest bytes as they will be stored, and its blobs. */
export interface PushableImage {
  manifest: Buffer;
  mediaType: string;
  /** The config and layer blobs the manifest names. */
  blobs: Descriptor[];
  /** A stream of one blob's bytes. */
  open(digest: string): Readable;
}

/** Where blobs come from: whole small blobs (manifests, configs) and streams of big ones. */
export interface BlobSource {
  read(digest: string): Buffer;
  open(digest: string): Readable;
}

const isIndex = (mediaType: string | undefined, parsed: { manifests?: unknown }) =>
  mediaType === MEDIA.index || mediaType === MEDIA.dockerList || Array.isArray(parsed.manifests);

/** Resolves a descriptor (manifest or index) to a pushable single-platform image. */
export function resolveImage(src: BlobSource, desc: Descriptor): PushableImage {
  const bytes = src.read(desc.digest);
  if (sha256Digest(bytes) !== desc.digest) throw new Error(`blob ${desc.digest} does not match its digest`);
  const parsed = JSON.parse(bytes.toString('utf8')) as Partial<OciManifest> & Partial<OciIndex>;
  const mediaType = parsed.mediaType ?? desc.mediaType;
  if (isIndex(mediaType, parsed)) {
    const children = parsed.manifests ?? [];
    const pick = children.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? (children.length === 1 ? children[0] : undefined);
    if (!pick) {
      const have = children.map((m) => `${m.platform?.os ?? '?'}/${m.platform?.architecture ?? '?'}`).join(', ');
      throw new Error(`image index ${desc.digest} has no linux/amd64 manifest (has ${have || 'none'})`);
    }
    return resolveImage(src, pick);
  }
  if (!parsed.config || !Array.isArray(parsed.layers)) throw new Error(`${desc.digest} is not an image manifest`);
  return { manifest: bytes, mediaType: mediaType ?? MEDIA.manifest, blobs: [parsed.config, ...parsed.layers], open: (d) => src.open(d) };
}

/** Blobs under <dir>/blobs/<alg>/<hex>, as an OCI image layout stores them. */
export function layoutBlobs(dir: string): BlobSource {
  const path = (digest: string) => {
    const [alg, hex] = digest.split(':');
    if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) throw new Error(`bad digest ${digest}`);
    return join(dir, 'blobs', alg, hex);
  };
  return { read: (d) => readFileSync(path(d)), open: (d) => createReadStream(path(d)) };
}

/** The descriptors of an OCI layout's index.json with the name each one is known by (if any). */
export function layoutImages(index: OciIndex): { name?: string; desc: Descriptor }[] {
  return index.manifests.map((desc) => ({
    name: desc.annotations?.['io.containerd.image.name'] ?? desc.annotations?.[ANNOTATION.refName],
    desc,
  }));
}

/**
 * The image in an OCI layout directory: the one named `ref` (matching the
 * org.opencontainers.image.ref.name annotation), or the only image there is.
 */
export function openOciLayout(dir: string, ref?: string): PushableImage {
  const indexFile = join(dir, 'index.json');
  if (!existsSync(indexFile)) throw new Error(`${dir} is not an OCI image layout (no index.json)`);
  const images = layoutImages(JSON.parse(readFileSync(indexFile, 'utf8')) as OciIndex);
  const chosen = ref === undefined ? (images.length === 1 ? images[0] : undefined) : images.find((i) => i.name === ref);
  if (!chosen) {
    const names = images.map((i) => i.name ?? i.desc.digest).join(', ');
    throw new Error(ref === undefined ? `${dir} holds ${images.length} images (${names}); name one` : `${dir} has no image named ${ref} (has ${names})`);
  }
  return resolveImage(layoutBlobs(dir), chosen.desc);
}
