/**
 * Image recipes: the `image.json` files under examples/images/<name>/ that say which layers an
 * image has (Debian package closures, a busybox applet farm, a compiled C program, files from the
 * recipe directory, directories and symlinks) and its runtime config (Entrypoint, Cmd, Env, ...).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../api/spec-path.js';

/** Directories (octal mode strings) and symlinks (target) to create. */
export interface TreeLayer {
  tree: { dirs?: Record<string, string>; symlinks?: Record<string, string> };
}
/** Copies <recipe dir>/<copy> onto "/" (file modes from the checkout, owner root). */
export interface CopyLayer {
  copy: string;
}
/** The files dpkg installed for the Depends closure of `packages`. */
export interface DebianLayer {
  debian: {
    packages: string[];
    /** Packages left out with what only they pull in (maintainer-script helpers, init systems). */
    skip?: string[];
    /** Globs over image paths to leave out ("*" within a path segment, "**" across segments). */
    exclude?: string[];
    /** Globs that win over `exclude` (e.g. licence files). */
    keep?: string[];
    /** Also take the host's compiled __pycache__/*.pyc beside each packaged .py file. */
    pycache?: boolean;
  };
}
/** A static busybox and one symlink per applet it lists. */
export interface BusyboxLayer {
  busybox: { package: string; binary: string; dir: string };
}
/** A C program from the recipe directory, compiled at build time. */
export interface CompileLayer {
  compile: { source: string; output: string; cflags: string[]; toolchain: string[] };
}
export type LayerSpec = (TreeLayer | CopyLayer | DebianLayer | BusyboxLayer | CompileLayer) & { comment?: string };

/** The runtime part of the OCI image config, with the upstream images' field names. */
export interface RuntimeConfig {
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  ExposedPorts?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
  Labels?: Record<string, string>;
}

export interface Recipe {
  /** Directory name under examples/images, e.g. "nginx". */
  name: string;
  /** Absolute directory of the recipe (for `copy` and `compile` sources). */
  dir: string;
  description?: string;
  /** Full references this image is known by, e.g. "docker.io/library/nginx:latest". */
  references: string[];
  layers: LayerSpec[];
  config: RuntimeConfig;
}

/** The examples/images directory of this checkout or installed package. */
export function defaultRecipesDir(): string {
  return join(packageRoot(), 'examples', 'images');
}

function check(cond: unknown, file: string, what: string): asserts cond {
  if (!cond) throw new Error(`${file}: ${what}`);
}

/** Loads and sanity-checks one recipe directory. */
export function loadRecipe(dir: string, name: string): Recipe {
  const file = join(dir, 'image.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Recipe>;
  check(Array.isArray(raw.references) && raw.references.length > 0, file, 'needs "references"');
  check(Array.isArray(raw.layers) && raw.layers.length > 0, file, 'needs "layers"');
  check(raw.config && typeof raw.config === 'object', file, 'needs "config"');
  for (const [i, l] of raw.layers.entries()) {
    const kinds = ['tree', 'copy', 'debian', 'busybox', 'compile'].filter((k) => k in l);
    check(kinds.length === 1, file, `layer ${i} must have exactly one of tree/copy/debian/busybox/compile`);
  }
  return { name, dir, description: raw.description, references: raw.references, layers: raw.layers, config: raw.config };
}

/** Every recipe under `dir` (subdirectories holding an image.json), sorted by name. */
export function loadRecipes(dir = defaultRecipesDir()): Recipe[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'image.json')))
    .map((d) => loadRecipe(join(dir, d.name), d.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
