/**
 * The Factory every verb gets: the cluster connection built from kubeconfig and the global flags,
 * the namespace, and discovery. Everything is made on first use, so `kubectl version --client`
 * or `kubectl config view` never touch the network.
 */
import type { ClientConfig } from '../client/config.js';
import { RestClient } from '../client/rest.js';
import { DiscoveryMapper, discoveryCachePath } from './discovery.js';
import { defaultCacheDir, isGlobalFlag, parseDuration } from './flags.js';
import { VersionCheckingClient } from './match-version.js';
import { resolveClientConfig } from './kubeconfig.js';
import type { Factory, Flags, RestMapper, Streams } from './types.js';

/** kubectl's client rate limits (client-go's defaults are far lower, kubectl raises them). */
const QPS = 50;
const BURST = 300;

/** The text of a `Warning` header as kubectl prints it: `299 - "text"` → `text`. */
export function warningText(header: string): string {
  const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(header);
  return m ? (m[1] ?? '').replace(/\\(.)/g, '$1') : header;
}

class CliFactory implements Factory {
  #config?: { config: ClientConfig; namespace?: string };
  #client?: RestClient;
  #mapper?: Promise<RestMapper>;
  readonly #warnings = new Set<string>();

  constructor(
    private readonly flags: Flags,
    readonly streams: Streams,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  #resolved(): { config: ClientConfig; namespace?: string } {
    if (this.#config) return this.#config;
    const f = this.flags;
    const opt = (name: string) => (isGlobalFlag(f, name) && f.has(name) && f.string(name) !== '' ? f.string(name) : undefined);
    const r = resolveClientConfig(
      {
        kubeconfig: opt('kubeconfig'),
        context: opt('context'),
        cluster: opt('cluster'),
        user: opt('user'),
        server: opt('server'),
        token: opt('token'),
        insecureSkipTlsVerify: f.has('insecure-skip-tls-verify') ? f.bool('insecure-skip-tls-verify') : undefined,
        certificateAuthority: opt('certificate-authority'),
        clientCertificate: opt('client-certificate'),
        clientKey: opt('client-key'),
        tlsServerName: opt('tls-server-name'),
        namespace: opt('namespace'),
        username: opt('username'),
        password: opt('password'),
        as: opt('as'),
        asUid: opt('as-uid'),
        asGroups: isGlobalFlag(f, 'as-group') && f.has('as-group') ? f.strings('as-group') : undefined,
      },
      this.env,
    );
    this.#config = { config: r.config, namespace: r.namespace ?? r.contextNamespace };
    return this.#config;
  }

  clientConfig(): ClientConfig {
    return this.#resolved().config;
  }

  client(): RestClient {
    if (this.#client) return this.#client;
    const timeout = this.flags.string('request-timeout');
    const timeoutMs = timeout === '' || timeout === '0' ? 0 : /^\d+$/.test(timeout) ? Number(timeout) * 1000 : parseDuration(timeout);
    const options = {
      qps: QPS,
      burst: BURST,
      timeoutMs,
      // Managers without a field manager are named after the agent's first word, `kubectl`, as upstream's.
      userAgent: `kubectl/v1.32.0-k8ts (${process.platform}/${process.arch}) k8ts`,
      onWarning: (w: string) => {
        // Like kubectl's warning writer: 299 warnings only, each text once, counted for --warnings-as-errors.
        if (!w.startsWith('299')) return;
        const text = warningText(w);
        if (this.#warnings.has(text)) return;
        this.#warnings.add(text);
        this.streams.stderr.write(`Warning: ${text}\n`);
      },
    };
    const config = this.clientConfig();
    this.#client = this.flags.bool('match-server-version') ? new VersionCheckingClient(config, options) : new RestClient(config, options);
    return this.#client;
  }

  /** How many distinct warnings the server sent (and were printed). */
  warningCount(): number {
    return this.#warnings.size;
  }

  namespace(): { namespace: string; explicit: boolean } {
    const explicit = isGlobalFlag(this.flags, 'namespace') && this.flags.has('namespace') && this.flags.string('namespace') !== '';
    if (explicit) return { namespace: this.flags.string('namespace'), explicit };
    return { namespace: this.#resolved().namespace ?? 'default', explicit: false };
  }

  /** `--cache-dir`, else `$KUBECACHEDIR`, else `$HOME/.kube/cache`. */
  cacheDir(): string {
    return this.flags.string('cache-dir') || defaultCacheDir(this.env);
  }

  mapper(): Promise<RestMapper> {
    this.#mapper ??= DiscoveryMapper.load(this.client(), discoveryCachePath(this.cacheDir(), this.clientConfig().server));
    return this.#mapper;
  }

  close(): void {
    this.#client?.close();
  }
}

/** Builds the Factory for one invocation. */
export function createFactory(flags: Flags, streams: Streams, env: NodeJS.ProcessEnv = process.env): Factory & { cacheDir(): string; warningCount(): number } {
  return new CliFactory(flags, streams, env);
}
