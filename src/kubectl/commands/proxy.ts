/**
 * `kubectl proxy`: serves the API server on a local port or Unix socket with the kubeconfig's
 * credentials, behind a filter of hosts, paths and methods, and optionally a static directory; runs
 * until SIGINT or SIGTERM. The work is in ../proxy/; this reads the flags, checks them in
 * upstream's order (Complete, Validate, listen) with its warnings, and prints where it serves.
 */
import { statSync } from 'node:fs';
import { CliError } from '../errors.js';
import { compileFilter, DEFAULT_ACCEPT_HOSTS, DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_METHODS, DEFAULT_REJECT_PATHS, RegexpError, type FilterSpec } from '../proxy/filter.js';
import { Backend } from '../proxy/forward.js';
import { klogLine, type Logger } from '../proxy/klog.js';
import { ListenError, ProxyServer } from '../proxy/server.js';
import type { Command, CommandContext } from '../types.js';

const DEFAULT_PORT = 8001;

const examples = `  # To proxy all of the Kubernetes API and nothing else
  kubectl proxy --api-prefix=/
  
  # To proxy only part of the Kubernetes API and also some static files
  # You can get pods info with 'curl localhost:8001/api/v1/pods'
  kubectl proxy --www=/my/files --www-prefix=/static/ --api-prefix=/api/
  
  # To proxy the entire Kubernetes API at a different root
  # You can get pods info with 'curl localhost:8001/custom/api/v1/pods'
  kubectl proxy --api-prefix=/custom/
  
  # Run a proxy to the Kubernetes API server on port 8011, serving static content from ./local/www/
  kubectl proxy --port=8011 --www=./local/www/
  
  # Run a proxy to the Kubernetes API server on an arbitrary local port
  # The chosen port for the server will be output to stdout
  kubectl proxy --port=0
  
  # Run a proxy to the Kubernetes API server, changing the API prefix to k8s-api
  # This makes e.g. the pods API available at localhost:8001/k8s-api/v1/pods/
  kubectl proxy --api-prefix=/k8s-api`;

const withSlash = (s: string) => (s.endsWith('/') ? s : `${s}/`);

/** Go's words for a failed stat (`stat DIR: no such file or directory`). */
function statFailure(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const text = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'not a directory' : String((e as Error).message);
  return `stat ${path}: ${text}`;
}

/** The filter, or a klog Fatal line (exit 255) for a pattern Go would not compile. */
function buildFilter(ctx: CommandContext): FilterSpec {
  const f = ctx.flags;
  try {
    return compileFilter({ acceptPaths: f.string('accept-paths'), rejectPaths: f.string('reject-paths'), acceptHosts: f.string('accept-hosts'), rejectMethods: f.string('reject-methods') });
  } catch (e) {
    if (!(e instanceof RegexpError)) throw e;
    throw new CliError(klogLine('F', 'proxy_server.go:83', `Error compiling re: ${e.message}`).trimEnd(), { raw: true, exitCode: 255 });
  }
}

/** Resolves on the first SIGINT or SIGTERM with the exit status a shell shows for it. */
function interrupted(): { done: Promise<number>; dispose(): void } {
  let dispose = () => undefined as void;
  const done = new Promise<number>((resolve) => {
    const onInt = () => resolve(130);
    const onTerm = () => resolve(143);
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    dispose = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  });
  return { done, dispose };
}

async function run(ctx: CommandContext): Promise<number> {
  const { flags, streams } = ctx;
  const log: Logger = { write: (line) => void streams.stderr.write(line), verbosity: Number.parseInt(flags.string('v'), 10) || 0 };
  const warn = (where: string, msg: string) => log.write(klogLine('W', where, msg));

  // Complete.
  const config = ctx.factory.clientConfig();
  const staticPrefix = withSlash(flags.string('www-prefix'));
  const apiPrefix = withSlash(flags.string('api-prefix'));
  const appendServerPath = flags.bool('append-server-path');
  if (!appendServerPath) {
    const path = URL.canParse(config.server) ? new URL(config.server).pathname : '';
    if (path !== '' && path !== '/') warn('proxy.go:172', `Your kube context contains a server path ${path}, use --append-server-path to automatically append the path to each request`);
  }
  const unixSocket = flags.string('unix-socket');
  let filter: FilterSpec | undefined;
  if (flags.bool('disable-filter')) {
    if (unixSocket === '') warn('proxy.go:177', 'Request filter disabled, your proxy is vulnerable to XSRF attacks, please be cautious');
  } else {
    filter = buildFilter(ctx);
  }

  // Validate.
  const port = flags.int('port');
  if (port !== DEFAULT_PORT && unixSocket !== '') throw new CliError('cannot set --unix-socket and --port at the same time');
  const staticDir = flags.string('www');
  if (staticDir !== '') {
    try {
      if (!statSync(staticDir).isDirectory()) warn('proxy.go:202', `Static file directory ${staticDir} is not a directory`);
    } catch (e) {
      warn('proxy.go:200', `Failed to stat static file directory ${staticDir}: ${statFailure(staticDir, e)}`);
    }
  }
  // Go's ServeMux refuses a second handler for the same pattern with a panic (exit status 2).
  if (staticDir !== '' && staticPrefix === apiPrefix) {
    throw new CliError(`panic: pattern "${staticPrefix}" (registered at k8s.io/kubectl/pkg/proxy/proxy_server.go:189) conflicts with pattern "${apiPrefix}" (registered at k8s.io/kubectl/pkg/proxy/proxy_server.go:185):\n\t${staticPrefix} matches the same requests as ${apiPrefix}`, { raw: true, exitCode: 2 });
  }

  // Run.
  const backend = new Backend({
    config,
    appendServerPath,
    keepaliveMs: flags.duration('keepalive'),
    // What our REST client sends (factory.ts), so requests through the proxy are attributed to kubectl.
    userAgent: `kubectl/v1.32.0-k8ts (${process.platform}/${process.arch}) k8ts`,
    log,
  });
  const server = new ProxyServer({ prefixes: { api: apiPrefix, ...(staticDir !== '' ? { static: staticPrefix } : {}) }, staticDir: staticDir || undefined, filter, backend, log });
  const signals = interrupted();
  try {
    let where: string;
    try {
      where = unixSocket === '' ? await server.listenTcp(flags.string('address'), port) : await server.listenUnix(unixSocket);
    } catch (e) {
      throw e instanceof ListenError ? new CliError(e.message) : e;
    }
    streams.stdout.write(`Starting to serve on ${where}\n`);
    return await signals.done;
  } finally {
    signals.dispose();
    await server.close();
  }
}

export const command: Command = {
  name: 'proxy',
  short: 'Run a proxy to the Kubernetes API server',
  long: 'Creates a proxy server or application-level gateway between localhost and the Kubernetes API server. It also allows serving static content over specified HTTP path. All incoming data enters through one port and gets forwarded to the remote Kubernetes API server port, except for the path matching the static content path.',
  usage: 'kubectl proxy [--port=PORT] [--www=static-dir] [--www-prefix=prefix] [--api-prefix=prefix]',
  examples,
  flags: [
    { name: 'www', short: 'w', type: 'string', default: '', help: 'Also serve static files from the given directory under the specified prefix.' },
    { name: 'www-prefix', short: 'P', type: 'string', default: '/static/', help: 'Prefix to serve static files under, if static file directory is specified.' },
    { name: 'api-prefix', type: 'string', default: '/', help: 'Prefix to serve the proxied API under.' },
    { name: 'accept-paths', type: 'string', default: DEFAULT_ACCEPT_PATHS, help: 'Regular expression for paths that the proxy should accept.' },
    { name: 'reject-paths', type: 'string', default: DEFAULT_REJECT_PATHS, help: 'Regular expression for paths that the proxy should reject. Paths specified here will be rejected even accepted by --accept-paths.' },
    { name: 'accept-hosts', type: 'string', default: DEFAULT_ACCEPT_HOSTS, help: 'Regular expression for hosts that the proxy should accept.' },
    { name: 'reject-methods', type: 'string', default: DEFAULT_REJECT_METHODS, help: "Regular expression for HTTP methods that the proxy should reject (example --reject-methods='POST,PUT,PATCH'). " },
    { name: 'port', short: 'p', type: 'int', default: DEFAULT_PORT, help: 'The port on which to run the proxy. Set to 0 to pick a random port.' },
    { name: 'address', type: 'string', default: '127.0.0.1', help: 'The IP address on which to serve on.' },
    { name: 'disable-filter', type: 'bool', default: false, help: 'If true, disable request filtering in the proxy. This is dangerous, and can leave you vulnerable to XSRF attacks, when used with an accessible port.' },
    { name: 'unix-socket', short: 'u', type: 'string', default: '', help: 'Unix socket on which to run the proxy.' },
    { name: 'keepalive', type: 'duration', default: '0s', help: 'keepalive specifies the keep-alive period for an active network connection. Set to 0 to disable keepalive.' },
    { name: 'append-server-path', type: 'bool', default: false, help: 'If true, enables automatic path appending of the kube context server path to each request.' },
  ],
  run,
};
