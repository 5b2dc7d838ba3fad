/**
 * /openapi/v3: the root lists one document per served group-version with a content hash in its
 * URL (kubectl caches by it); each document is the upstream v1.32 one shipped in spec/openapi/v3.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { openapiDocumentPath } from '../api/schema.js';
import type { Registry } from './registry.js';
import { groupVersion } from './resources.js';

interface Doc {
  body: Buffer;
  hash: string;
}

export class OpenApiV3 {
  private readonly docs = new Map<string, Doc>();

  constructor(private readonly registry: Registry) {}

  /** The document for "api/v1" or "apis/<g>/<v>", loaded once. */
  document(path: string): Doc | undefined {
    const cached = this.docs.get(path);
    if (cached) return cached;
    const gv = path === 'api/v1' ? 'v1' : path.startsWith('apis/') ? path.slice('apis/'.length) : undefined;
    if (!gv) return undefined;
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    if (this.registry.resourcesIn(group, version).length === 0) return undefined;
    const file = openapiDocumentPath(gv);
    if (!existsSync(file)) return undefined;
    const body = readFileSync(file);
    const doc = { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() };
    this.docs.set(path, doc);
    return doc;
  }

  root(): { paths: Record<string, { serverRelativeURL: string }> } {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    const gvs = new Set(this.registry.all().map((r) => groupVersion(r)));
    for (const gv of gvs) {
      const p = gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
      const d = this.document(p);
      if (d) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
    }
    return { paths };
  }
}
