#!/usr/bin/env node
/**
 * Starts our kubectl from its one-file bundle (dist/kubectl.cjs) with a V8 code cache, because a
 * kubectl is started once per command and its start-up is what people feel.
 *
 * Compiling the megabyte of bundled JavaScript is most of what our kubectl adds to Node's own start.
 * The first run compiles it and, on exit, saves V8's code cache (the functions that run compiled)
 * under the kubectl cache directory; later runs hand that cache to V8 and skip the compiling. The
 * cache file is named for the Node version and a digest of the bundle, so a rebuilt bundle or
 * another Node never meets a stale one, and V8 itself refuses (and we replace) a cache that does not
 * fit. Any trouble with the cache only costs the speed-up: kubectl runs the same without it.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

const bundle = path.join(__dirname, '..', '..', 'kubectl.cjs');
const bytes = fs.readFileSync(bundle);
const source = bytes.toString('utf8');
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

/**
 * `$KUBECACHEDIR` or ~/.kube/cache, then k8ts-kubectl/<node>-<arch>-<bundle digest>.v8. V8 checks a
 * cache only against the source's length, so the name carries a digest of the bundle's bytes.
 */
function codeCachePath(): string | undefined {
  try {
    const base = process.env['KUBECACHEDIR'] || path.join(os.homedir(), '.kube', 'cache');
    const digest = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    return path.join(base, 'k8ts-kubectl', `${process.version}-${process.arch}-${digest}.v8`);
  } catch {
    return undefined;
  }
}

/** Caches unused this long are removed (other builds, other Node versions sharing the directory). */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** Writes the code cache atomically (another kubectl may be reading it) and removes stale ones. */
function saveCodeCache(file: string): void {
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, script.createCachedData(), { flag: 'wx' });
    fs.renameSync(tmp, file);
    const now = Date.now();
    for (const name of fs.readdirSync(dir)) {
      const other = path.join(dir, name);
      if (other === file || !(name.endsWith('.v8') || name.endsWith('.tmp'))) continue;
      if (now - fs.statSync(other).atimeMs > STALE_MS) fs.rmSync(other, { force: true });
    }
  } catch {
    // an unwritable cache directory only costs the speed-up
  }
}
