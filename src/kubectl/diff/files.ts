/**
 * The two directories `kubectl diff` compares: `LIVE-<n>` and `MERGED-<n>` under the temp dir
 * (named as Go's os.MkdirTemp names them), one YAML file per object in each, named
 * `<group>.<version>.<Kind>.<namespace>.<name>` so the diff program pairs the two versions up.
 */
import { randomInt } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../client/types.js';
import { toYaml } from '../printers/yaml.js';

/** What names an object's file. */
export interface ObjectKey {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** `apps.v1.Deployment.default.web`, `v1.ConfigMap.default.c`, `v1.Namespace..dev` (kubectl's InfoObject.Name). */
export function objectFileName(k: ObjectKey): string {
  const group = k.group === '' ? '' : `${k.group}.`;
  return `${group}${k.version}.${k.kind}.${k.namespace}.${k.name}`;
}

/** One side of the diff: a fresh directory that object versions are written into. */
export class VersionDir {
  private constructor(readonly path: string) {}

  /** Creates `<tmp>/<prefix>-<random uint32>` (mode 0700), retrying on a name already taken. */
  static async create(prefix: string, base = tmpdir()): Promise<VersionDir> {
    for (let attempt = 0; ; attempt++) {
      const path = join(base, `${prefix}-${randomInt(0, 2 ** 32)}`);
      try {
        await mkdir(path, { mode: 0o700 });
        return new VersionDir(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10000) throw e;
      }
    }
  }

  /**
   * Writes the object as kubectl's YAML. An absent object still gets its (empty) file, as kubectl
   * creates it before printing nothing: `diff -N` then shows the file's time, not the epoch.
   */
  async write(name: string, obj: KubeObject | undefined): Promise<void> {
    await writeFile(join(this.path, name), obj === undefined ? '' : toYaml(obj), { mode: 0o700 });
  }

  /** Removes the directory and everything in it (errors ignored, as kubectl's TearDown). */
  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true }).catch(() => undefined);
  }
}
