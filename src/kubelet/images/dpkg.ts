/**
 * What dpkg knows about the installed Debian packages: versions, Depends/Pre-Depends, Provides and
 * file lists, read from dpkg's own database (/var/lib/dpkg/status and info/<pkg>.list, the files
 * `dpkg-query -W` and `dpkg -L` read). Images are assembled from these files, so an image holds
 * exactly the packages of a dependency closure at the versions installed on this machine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DebPackage {
  name: string;
  arch: string;
  version: string;
  /** Pre-Depends then Depends; each inner list is a group of alternatives ("a | b"). */
  depends: string[][];
  provides: string[];
}

export interface DpkgDb {
  admindir: string;
  packages: Map<string, DebPackage>;
  /** virtual name -> installed packages that provide it */
  providers: Map<string, DebPackage[]>;
}

const NATIVE = 'amd64';

/** Splits "a (>= 1), b | c:any (>> 2)" into [["a"], ["b", "c"]]; versions are not checked (dpkg already did). */
export function parseRelations(field: string | undefined): string[][] {
  if (!field) return [];
  return field
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alt) => (alt.trim().split(/[\s(]/)[0] ?? '').replace(/:(any|native|amd64|all)$/, ''))
        .filter(Boolean),
    )
    .filter((g) => g.length > 0);
}

function parseStanza(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let key = '';
  for (const line of text.split('\n')) {
    if (/^\s/.test(line) && key) fields[key] += '\n' + line;
    else {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      key = line.slice(0, i);
      fields[key] = line.slice(i + 1).trim();
    }
  }
  return fields;
}

/** Reads the installed packages of the native architecture (and arch "all") from dpkg's status file. */
export function readDpkgDb(admindir = '/var/lib/dpkg'): DpkgDb {
  const packages = new Map<string, DebPackage>();
  const providers = new Map<string, DebPackage[]>();
  for (const stanza of readFileSync(join(admindir, 'status'), 'utf8').split(/\n\n+/)) {
    const f = parseStanza(stanza);
    if (!f.Package || !/\binstalled$/.test(f.Status ?? '') || (f.Architecture !== NATIVE && f.Architecture !== 'all')) continue;
    const pkg: DebPackage = {
      name: f.Package,
      arch: f.Architecture,
      version: f.Version ?? '',
      depends: [...parseRelations(f['Pre-Depends']), ...parseRelations(f.Depends)],
      provides: parseRelations(f.Provides).flat(),
    };
    packages.set(pkg.name, pkg);
    for (const v of pkg.provides) providers.set(v, [...(providers.get(v) ?? []), pkg]);
  }
  return { admindir, packages, providers };
}

/** The installed package a dependency name means: itself, or else an installed provider. */
function resolve(db: DpkgDb, name: string, chosen: Map<string, DebPackage>): DebPackage | undefined {
  const real = db.packages.get(name);
  if (real) return real;
  const provs = db.providers.get(name) ?? [];
  return provs.find((p) => chosen.has(p.name)) ?? provs[0];
}

/**
 * The Depends/Pre-Depends closure of `roots`, without the packages in `skip` (and what only they
 * pull in). Alternatives ("a | b") are settled after the plain dependencies, preferring one that is
 * already in the closure, else the first one installed, as apt would keep an existing choice.
 * Throws when a root or a plain dependency is not installed.
 */
export function dependsClosure(db: DpkgDb, roots: string[], skip: Iterable<string> = []): DebPackage[] {
  const skipped = new Set(skip);
  const chosen = new Map<string, DebPackage>();
  const queue = roots.map((r) => ({ name: r, from: '(recipe)' }));
  const pending: { group: string[]; from: string }[] = [];
  for (;;) {
    for (let item = queue.shift(); item; item = queue.shift()) {
      if (skipped.has(item.name)) continue;
      const pkg = resolve(db, item.name, chosen);
      if (!pkg) throw new Error(`package ${item.name} (needed by ${item.from}) is not installed; apt-get install ${item.name}`);
      if (skipped.has(pkg.name) || chosen.has(pkg.name)) continue;
      chosen.set(pkg.name, pkg);
      for (const group of pkg.depends) {
        if (group.length === 1) queue.push({ name: group[0] ?? '', from: pkg.name });
        else pending.push({ group, from: pkg.name });
      }
    }
    const open = pending.findIndex(
      ({ group }) => !group.some((n) => skipped.has(n) || chosen.has(n) || chosen.has(resolve(db, n, chosen)?.name ?? '')),
    );
    if (open === -1) break;
    const [{ group, from }] = pending.splice(open, 1) as [{ group: string[]; from: string }];
    const pick = group.find((n) => resolve(db, n, chosen));
    if (!pick) throw new Error(`none of ${group.join(' | ')} (needed by ${from}) is installed`);
    queue.push({ name: pick, from });
  }
  return [...chosen.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The paths dpkg installed for a package (what `dpkg -L` prints), without the "/." entry. */
export function packageFiles(db: DpkgDb, pkg: DebPackage): string[] {
  const info = join(db.admindir, 'info');
  const candidates = [join(info, `${pkg.name}:${pkg.arch}.list`), join(info, `${pkg.name}.list`)];
  const file = candidates.find((c) => existsSync(c));
  if (!file) throw new Error(`dpkg has no file list for ${pkg.name} (looked for ${candidates.join(', ')})`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && l !== '/.');
}
