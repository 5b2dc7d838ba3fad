#!/usr/bin/env node
/**
 * Starts our kubectl from its one-file bundle (dist/kubectl.cjs) with a V8 code cache, because a
 * kubectl is started once per command and its start-up is what people feel.
 *
 * Compiling the megabyte of bundled JavaScript is most of what our kubectl adds to Node's own start.
 * The first run compiles it and, on exit, saves V8's code cache (the functions that run compiled)
 * under the kubectl cache directory; later runs hand that cache to V8 and skip the compiling. The
 * cache file is named for the Node version and the bundle's size and time, so a rebuilt bundle or
 * another Node never meets a stale one, and V8 itself refuses (and we replace) a cache that does not
 * fit. Any trouble with the cache only costs the speed-up: kubectl runs the same without it.
 */
import * as fs from 'node:fs';
import * as Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

const bundle = path.join(__dirname, '..', '..', 'kubectl.cjs');
const source = fs.readFileSync(bundle, 'utf8');
const cacheFile = codeCachePath();
let cached: Buffer | undefined;
try {
  if (cacheFile !== undefined) cached = fs.readFileSync(cacheFile);
} catch {
  // no cache yet
}
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData: cached });
if (cacheFile !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
  process.once('exit', () => saveCodeCache(cacheFile));
}
const wrapper = script.runInThisContext() as (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;
const module_ = { exports: {} };
wrapper.call(module_.exports, module_.exports, Module.createRequire(bundle), module_, bundle, path.dirname(bundle));

/** `$KUBECACHEDIR` or ~/.kube/cache, then k8ts-kubectl/<node>-<arch>-<bundle size>-<bundle mtime>.v8. */
function codeCachePath(): string | undefined {
  try {
    const st = fs.statSync(bundle);
    const base = process.env['KUBECACHEDIR'] || path.join(os.homedir(), '.kube', 'cache');
    const key = `${process.version}-${process.arch}-${st.size}-${Math.trunc(st.mtimeMs)}`;
    return path.join(base, 'k8ts-kubectl', `${key}.v8`);
  } catch {
    return undefined;
  }
}

/** Writes the code cache beside any older ones it replaces, atomically (another kubectl may be reading). */
function saveCodeCache(file: string): void {
  try {
    const data = script.createCachedData();
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    for (const old of fs.readdirSync(dir)) {
      if (old.endsWith('.v8') && old !== path.basename(file)) fs.rmSync(path.join(dir, old), { force: true });
    }
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch {
    // an unwritable cache directory only costs the speed-up
  }
}
