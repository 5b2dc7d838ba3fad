/**
 * ServiceAccount token benchmark: what bound tokens cost the API server, in one run.
 *
 * - TokenRequest: `serviceaccounts/<name>/token` creates, one at a time and 32 in flight.
 * - Authenticated GETs (32 in flight, keep-alive) with a ServiceAccount token, beside the same
 *   GETs with a client certificate (the baseline: the TLS layer verified it once per connection)
 *   and with a static bearer token (a table lookup).
 * - In process: tokens signed and checked per second, with and without the verified-token cache.
 *
 *   node dist/bench/tokens.js [--gets N]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createSigningKeyPair } from '../src/apiserver/auth/certs.js';
import { ServiceAccountTokens } from '../src/apiserver/auth/sa-tokens.js';
import { parseCsv } from '../src/apiserver/auth/tokens.js';
import { loadKubeconfig, RestClient, type ClientConfig } from '../src/client/index.js';
import { freePort } from '../src/storage/etcd/process.js';
import { drive, now, summarize, table, type Summary } from './stats.js';

const { values } = parseArgs({ options: { gets: { type: 'string', default: '5000' } } });
const GETS = Number(values.gets);
const CLI = fileURLToPath(new URL('../src/cmd/k8ts.js', import.meta.url));

/** Operations per second of `op` over about a second. */
function rate(op: () => unknown): number {
  const t0 = now();
  let n = 0;
  while (now() - t0 < 1000) {
    op();
    n++;
  }
  return (n / (now() - t0)) * 1000;
}

function inProcess(): { issue: number; checkCold: number; checkWarm: number } {
  const grant = (t: ServiceAccountTokens) => ({ namespace: 'ns', serviceAccount: { name: 'robot', uid: 'u' }, audiences: [t.issuer], expirationSeconds: 3600 });
  const keys = createSigningKeyPair();
  const signer = new ServiceAccountTokens(keys);
  const issue = rate(() => signer.issue(grant(signer)));
  const lookup = () => ({ uid: 'u' });
  // Distinct tokens, each checked once: every check verifies its signature (a cache miss).
  const distinct = Array.from({ length: 30_000 }, () => signer.issue(grant(signer)).token);
  let i = 0;
  const checkCold = rate(() => signer.check(distinct[i++ % distinct.length] ?? '', lookup));
  const token = signer.issue(grant(signer)).token;
  const checkWarm = rate(() => signer.check(token, lookup));
  return { issue, checkCold, checkWarm };
}

async function main(): Promise<void> {
  console.log(`k8ts ServiceAccount token benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; node ${process.version}; k8ts server --disable-agent on SQLite, k8ts RestClient over HTTPS, keep-alive\n`);
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-tokens-'));
  const port = await freePort();
  const fd = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(process.execPath, [CLI, 'server', '--data-dir', dir, '--disable-agent', '--secure-port', String(port)], { stdio: ['ignore', fd, fd] });
  const clients: RestClient[] = [];
  try {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    let admin: RestClient | undefined;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${readFileSync(join(dir, 'server.log'), 'utf8')}`);
      if (existsSync(kubeconfig)) {
        admin ??= new RestClient(loadKubeconfig(kubeconfig), { qps: 1e9, burst: 1e9 });
        if (await admin.request({ method: 'GET', path: '/api/v1/namespaces/default/serviceaccounts/default' }).then(() => true, () => false)) break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    clients.push(admin);
    const base = loadKubeconfig(kubeconfig);
    const bare: ClientConfig = { server: base.server, caPem: base.caPem };
    const path = '/api/v1/namespaces/default/serviceaccounts/default/token';
    const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} };
    const request = () => admin.request<{ status: { token: string } }>({ method: 'POST', path, body });
    const seq = await drive(500, 1, request);
    const par = await drive(2000, 32, request);
    const saToken = (await request()).status.token;
    const staticToken = parseCsv(readFileSync(join(dir, 'pki', 'tokens.csv'), 'utf8')).find((r) => r[1] === 'admin')?.[0] ?? '';

    // Warm the server (JIT, caches) so the first row measured is not the slowest for that reason.
    await drive(GETS, 32, () => admin.request({ method: 'GET', path: '/api/v1/namespaces/default/serviceaccounts/default' }));
    const gets: Array<[string, Summary]> = [];
    for (const [name, config] of [
      ['client certificate (baseline)', base],
      ['static bearer token', { ...bare, token: staticToken }],
      ['ServiceAccount token (ES256 JWT)', { ...bare, token: saToken }],
    ] as const) {
      const c = new RestClient(config, { qps: 1e9, burst: 1e9 });
      clients.push(c);
      const r = await drive(GETS, 32, () => c.request({ method: 'GET', path: '/api/v1/namespaces/default/serviceaccounts/default' }));
      gets.push([name, summarize(r.latencies, r.wallMs)]);
    }
    const seqS = summarize(seq.latencies, seq.wallMs);
    const parS = summarize(par.latencies, par.wallMs);
    console.log(table(['TokenRequest', 'per second', 'p50 ms', 'p99 ms'], [
      ['one at a time', seqS.perSecond, seqS.p50, seqS.p99],
      ['32 in flight', parS.perSecond, parS.p50, parS.p99],
    ]));
    console.log();
    console.log(table([`${GETS} GETs, 32 in flight, as`, 'GETs/s', 'p50 ms', 'p99 ms'], gets.map(([n, s]) => [n, s.perSecond, s.p50, s.p99])));
    const p = inProcess();
    console.log(`\nin process: ${p.issue.toFixed(0)} tokens signed/s; ${p.checkCold.toFixed(0)} checks/s verifying the signature, ${p.checkWarm.toFixed(0)} checks/s from the verified-token cache`);
  } finally {
    for (const c of clients) c.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
