/**
 * A small client for the OCI distribution API (what docker-registry serves): manifest and blob
 * existence checks, monolithic blob uploads that skip blobs the registry has, manifest pushes,
 * catalog and tag listing. Plain node:http(s), streaming blobs from disk with a known length.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { openOciLayout, type PushableImage } from './layout.js';
import { MEDIA, sha256Digest, type Descriptor } from './store.js';

/** Progress of a push: one event when each blob or manifest is done (or found present). */
export interface PushProgress {
  phase: 'push';
  repo: string;
  kind: 'blob' | 'manifest';
  digest: string;
  /** Bytes sent (0 when skipped). */
  bytes: number;
  /** Size of the blob or manifest. */
  total: number;
  /** True when the registry already had it. */
  skipped: boolean;
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const ACCEPT = [MEDIA.manifest, MEDIA.index, MEDIA.dockerManifest, MEDIA.dockerList].join(', ');

/** One HTTP exchange; `body` may be a stream, sent with the given content-length. */
export function httpExchange(
  method: string,
  url: string,
  o: { headers?: Record<string, string | number>; body?: Buffer | Readable; timeoutMs?: number } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method, headers: o.headers, timeout: o.timeoutMs ?? 120_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timed out`)));
    req.on('error', reject);
    if (o.body instanceof Readable) {
      o.body.on('error', (e) => req.destroy(e));
      o.body.pipe(req);
    } else req.end(o.body);
  });
}

function fail(what: string, r: Response): never {
  let detail = r.body.toString('utf8').slice(0, 500);
  try {
    const j = JSON.parse(detail) as { errors?: { code?: string; message?: string }[] };
    if (j.errors?.length) detail = j.errors.map((e) => `${e.code ?? ''}: ${e.message ?? ''}`).join('; ');
  } catch {
    /* not JSON: keep the text */
  }
  throw new Error(`registry: ${what}: HTTP ${r.status}${detail ? ` (${detail.trim()})` : ''}`);
}

const base = (url: string) => url.replace(/\/+$/, '');

/** The digest of `repo:ref` in the registry, or undefined when it has no such manifest. */
export async function hasManifest(url: string, repo: string, ref: string): Promise<string | undefined> {
  const r = await httpExchange('HEAD', `${base(url)}/v2/${repo}/manifests/${ref}`, { headers: { Accept: ACCEPT } });
  if (r.status === 404) return undefined;
  if (r.status !== 200) fail(`HEAD manifest ${repo}:${ref}`, r);
  return String(r.headers['docker-content-digest'] ?? '') || undefined;
}

/** A manifest as stored (bytes, media type, digest), or undefined when absent. */
export async function getManifest(url: string, repo: string, ref: string): Promise<{ bytes: Buffer; mediaType: string; digest: string } | undefined> {
  const r = await httpExchange('GET', `${base(url)}/v2/${repo}/manifests/${ref}`, { headers: { Accept: ACCEPT } });
  if (r.status === 404) return undefined;
  if (r.status !== 200) fail(`GET manifest ${repo}:${ref}`, r);
  return { bytes: r.body, mediaType: String(r.headers['content-type'] ?? ''), digest: sha256Digest(r.body) };
}

/** A blob's bytes (for checks; blobs here are small enough to hold in memory). */
export async function getBlob(url: string, repo: string, digest: string): Promise<Buffer> {
  const r = await httpExchange('GET', `${base(url)}/v2/${repo}/blobs/${digest}`);
  if (r.status !== 200) fail(`GET blob ${repo}@${digest}`, r);
  return r.body;
}

async function hasBlob(url: string, repo: string, digest: string): Promise<boolean> {
  const r = await httpExchange('HEAD', `${base(url)}/v2/${repo}/blobs/${digest}`);
  if (r.status === 404) return false;
  if (r.status !== 200) fail(`HEAD blob ${repo}@${digest}`, r);
  return true;
}

async function uploadBlob(url: string, repo: string, d: Descriptor, body: Readable): Promise<void> {
  const start = await httpExchange('POST', `${base(url)}/v2/${repo}/blobs/uploads/`, { headers: { 'Content-Length': 0 } });
  if (start.status !== 202) fail(`start upload to ${repo}`, start);
  const location = new URL(String(start.headers.location ?? ''), `${base(url)}/`);
  location.searchParams.set('digest', d.digest);
  const put = await httpExchange('PUT', location.toString(), {
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': d.size },
    body,
  });
  if (put.status !== 201) fail(`upload ${d.digest} to ${repo}`, put);
}

/**
 * Pushes an image: each blob the registry lacks (HEAD first), then the manifest under every tag.
 * Returns the manifest digest. `image` is an OCI layout directory holding one image, or an image.
 */
export async function pushImage(
  url: string,
  image: string | PushableImage,
  repo: string,
  tags: string[],
  onProgress?: (e: PushProgress) => void,
): Promise<string> {
  const img = typeof image === 'string' ? openOciLayout(image) : image;
  for (const blob of img.blobs) {
    if (await hasBlob(url, repo, blob.digest)) {
      onProgress?.({ phase: 'push', repo, kind: 'blob', digest: blob.digest, bytes: 0, total: blob.size, skipped: true });
      continue;
    }
    await uploadBlob(url, repo, blob, img.open(blob.digest));
    onProgress?.({ phase: 'push', repo, kind: 'blob', digest: blob.digest, bytes: blob.size, total: blob.size, skipped: false });
  }
  const digest = sha256Digest(img.manifest);
  for (const tag of tags.length ? tags : [digest]) {
    const r = await httpExchange('PUT', `${base(url)}/v2/${repo}/manifests/${tag}`, {
      headers: { 'Content-Type': img.mediaType, 'Content-Length': img.manifest.length },
      body: img.manifest,
    });
    if (r.status !== 201) fail(`PUT manifest ${repo}:${tag}`, r);
    const stored = String(r.headers['docker-content-digest'] ?? digest);
    if (stored !== digest) throw new Error(`registry: ${repo}:${tag} stored as ${stored}, expected ${digest}`);
    onProgress?.({ phase: 'push', repo, kind: 'manifest', digest, bytes: img.manifest.length, total: img.manifest.length, skipped: false });
  }
  return digest;
}

/** Pages through a list endpoint that follows the registry's `Link: <...>; rel="next"` header. */
async function paged<T>(url: string, first: string, pick: (body: unknown) => T[]): Promise<T[]> {
  const out: T[] = [];
  for (let next: string | undefined = first; next; ) {
    const r = await httpExchange('GET', new URL(next, `${base(url)}/`).toString());
    if (r.status === 404) return out;
    if (r.status !== 200) fail(`GET ${next}`, r);
    out.push(...pick(JSON.parse(r.body.toString('utf8'))));
    next = /<([^>]+)>;\s*rel="next"/.exec(String(r.headers.link ?? ''))?.[1];
  }
  return out;
}

/** Every repository in the registry. */
export function catalog(url: string): Promise<string[]> {
  return paged(url, '/v2/_catalog?n=1000', (b) => (b as { repositories?: string[] }).repositories ?? []);
}

/** Every tag of a repository (empty when the repository is unknown). */
export function tags(url: string, repo: string): Promise<string[]> {
  return paged(url, `/v2/${repo}/tags/list?n=1000`, (b) => (b as { tags?: string[] | null }).tags ?? []);
}
