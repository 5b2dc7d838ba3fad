// Locates data files shipped in the repository (spec/...) from this module's own location, so they
// resolve the same from dist/src/..., from tests, from scripts, or from an installed copy, whatever
// the working directory is.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'k8ts';

let root: string | undefined;

/**
 * The k8ts package root: the nearest directory above this module whose package.json is named
 * "k8ts". Matching the name (not just any package.json) keeps a stray package.json in dist/ or a
 * parent checkout from being taken for the root.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (isPackageRoot(dir)) {
      root = dir;
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new Error(`k8ts package root not found: no package.json named "${PACKAGE_NAME}" above ${start}`);
    }
  }
}

/** Absolute path of `spec/<parts...>` in the package root, e.g. `specPath('openapi', 'v3')`. */
export function specPath(...parts: string[]): string {
  return join(packageRoot(), 'spec', ...parts);
}

function isPackageRoot(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
    return pkg.name === PACKAGE_NAME;
  } catch {
    return false; // an unreadable package.json is not ours
  }
}
