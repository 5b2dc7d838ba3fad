/**
 * Image references the way Docker and containerd read them: "nginx" is docker.io/library/nginx:latest,
 * "registry.k8s.io/pause:3.9" keeps its host. A mirror is asked for the path without the host
 * (containerd asks our registry for "library/nginx" and "pause"), so that is the repository we push to.
 */
export interface ImageReference {
  /** Registry host, e.g. "docker.io" or "registry.k8s.io". */
  domain: string;
  /** Path inside the registry, e.g. "library/nginx". */
  repository: string;
  tag?: string;
  digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Parses and normalizes a reference; throws with the offending text when it is not one. */
export function parseReference(ref: string): ImageReference {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new Error(`invalid image reference "${ref}": bad digest "${digest}"`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new Error(`invalid image reference "${ref}": bad tag "${tag}"`);
  }
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  let domain = 'docker.io';
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    domain = first;
    rest = rest.slice(slash + 1);
  }
  if (domain === 'index.docker.io' || domain === 'registry-1.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  if (!rest || !rest.split('/').every((c) => PATH_COMPONENT.test(c))) {
    throw new Error(`invalid image reference "${ref}": repository "${rest}" must be lowercase path components`);
  }
  return { domain, repository: rest, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/** The canonical form, e.g. "docker.io/library/nginx:latest". */
export function formatReference(r: ImageReference): string {
  return `${r.domain}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
