import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { clientVersion } from './commands/version.js';
import { FlagError, parseFlags } from './flags.js';
import { resolveClientConfig } from './kubeconfig.js';
import { optionsHelp, runKubectl } from './main.js';
import { versionMismatch } from './match-version.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

/** Runs our kubectl in-process; returns its exit code and output. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await runKubectl(argv, { stdin: new PassThrough(), stdout: out.stream, stderr: err.stream }, { KUBECONFIG: '/nonexistent/kubeconfig', ...env });
  return { code, stdout: out.text(), stderr: err.text() };
}

// A stub API server: /version answers with `version`, everything else with `{}` and the warnings.
let server: Server;
let url = '';
let version: object = {};
const seen: IncomingHttpHeaders[] = [];
before(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader('Content-Type', 'application/json');
    if (req.url?.startsWith('/version')) return void res.end(JSON.stringify(version));
    res.setHeader('Warning', ['299 - "first"', '299 - "first"', '299 - "second"', '199 - "ignored"']);
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${addr !== null && typeof addr === 'object' ? addr.port : 0}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('kubectl options: every global flag by name, --cache-dir from the environment, a blank line at the end', () => {
  const text = optionsHelp({ HOME: '/home/u' });
  const names = [...text.matchAll(/^ {4}(?:-\w, )?--([\w-]+)=/gm)].map((m) => m[1]);
  assert.deepEqual(names, [...names].sort());
  for (const n of ['as', 'disable-compression', 'log-flush-frequency', 'match-server-version', 'password', 'profile', 'profile-output', 'username', 'vmodule', 'warnings-as-errors']) assert.ok(names.includes(n), n);
  assert.ok(!names.includes('help'));
  assert.match(text, /^ {4}--cache-dir='\/home\/u\/\.kube\/cache':$/m);
  assert.match(optionsHelp({ HOME: '/home/u', KUBECACHEDIR: '/c' }), /^ {4}--cache-dir='\/c':$/m);
  assert.match(optionsHelp({}), /^ {4}--cache-dir='\.kube\/cache':$/m);
  // pflag quotes only string values.
  for (const line of ['    -v, --v=0:', '    --vmodule=:', '    --log-flush-frequency=5s:', "    --profile='none':", '    --warnings-as-errors=false:']) assert.ok(text.includes(`\n${line}\n`), line);
  assert.ok(text.endsWith('non-zero exit code\n\n'));
});

test('kubectl options: -h prints nothing, flag errors name the command, other arguments are ignored', async () => {
  assert.deepEqual(await run(['options', '-h']), { code: 0, stdout: '', stderr: '' });
  assert.deepEqual(await run(['help', 'options']), { code: 0, stdout: '', stderr: '' });
  assert.deepEqual(await run(['options', '--bogus']), { code: 1, stdout: '', stderr: "error: unknown flag: --bogus\nRun 'kubectl options' without flags.\n" });
  assert.equal((await run(['options', 'extra', '-n', 'x'])).stdout, optionsHelp({}));
});

test('flag errors are worded as pflag and klog word them, with kubectl\'s --help hint', async () => {
  const cases: Array<[string[], string]> = [
    [['--v=abc'], 'invalid argument "abc" for "-v, --v" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
    [['--log-flush-frequency=3'], 'invalid argument "3" for "--log-flush-frequency" flag: parse error'],
    [['--vmodule=abc'], 'invalid argument "abc" for "--vmodule" flag: syntax error: expect comma-separated list of filename=N'],
    [['--vmodule=a=-1'], 'invalid argument "a=-1" for "--vmodule" flag: negative value for vmodule level'],
    [['--disable-compression=maybe'], 'invalid argument "maybe" for "--disable-compression" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseFlags(argv, []), (e) => e instanceof FlagError && e.message === message, argv.join(' '));
  const ok = parseFlags(['--vmodule=a=1,b=0,', '--log-flush-frequency=1m30s', '-v', '4', '--profile-output=x', '--username=u', '--password=p'], []);
  assert.equal(ok.flags.string('v'), '4');
  assert.deepEqual(await run(['config', 'view', '--bogus']), { code: 1, stdout: '', stderr: "error: unknown flag: --bogus\nSee 'kubectl config view --help' for usage.\n" });
});

test('--profile: none is the default; other Go profiles are refused, unknown ones as kubectl words it', async () => {
  assert.deepEqual(await run(['config', 'view', '--profile=bogus']), { code: 1, stdout: '', stderr: "error: unknown profile 'bogus'\n" });
  const cpu = await run(['config', 'view', '--profile=cpu']);
  assert.equal(cpu.code, 1);
  assert.match(cpu.stderr, /--profile=cpu is not supported/);
  assert.equal((await run(['config', 'view', '--profile=none', '--profile-output=x'])).code, 0);
});

test('--warnings-as-errors: warnings are printed once each, then the successful command fails with their count', async () => {
  const plain = await run(['get', '--raw', '/x', '-s', url]);
  assert.deepEqual(plain, { code: 0, stdout: '{}', stderr: 'Warning: first\nWarning: second\n' });
  const strict = await run(['get', '--raw', '/x', '-s', url, '--warnings-as-errors']);
  assert.deepEqual(strict, { code: 1, stdout: '{}', stderr: 'Warning: first\nWarning: second\nerror: 2 warnings received\n' });
});

test('--match-server-version compares git version, commit and tree state before the first request', async () => {
  version = clientVersion();
  assert.equal((await run(['get', '--raw', '/x', '-s', url, '--match-server-version'])).code, 0);
  version = { ...clientVersion(), gitVersion: 'v1.32.9', extra: 'x' };
  const r = await run(['get', '--raw', '/x', '-s', url, '--match-server-version']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error: server version \(&version\.Info\{Major:"1", Minor:"32", GitVersion:"v1\.32\.9", GitCommit:"", .*\) differs from client version \(version\.Info\{Major:"1", .*Platform:"[^"]*"\}\)\n$/);
  assert.equal(versionMismatch({ ...clientVersion(), buildDate: 'other' }, clientVersion()), undefined);
  const refused = await run(['get', '--raw', '/x', '-s', 'http://127.0.0.1:1', '--match-server-version']);
  assert.equal(refused.stderr, 'error: couldn\'t read version from server: Get "http://127.0.0.1:1/version?timeout=32s": dial tcp 127.0.0.1:1: connect: connection refused\n');
});

test('--username/--password: basic auth over TLS, refused beside a token, never sent in clear text', async () => {
  seen.length = 0;
  assert.equal((await run(['get', '--raw', '/x', '-s', url, '--username=u', '--password=p'])).code, 0);
  assert.equal(seen[0]?.authorization, undefined);
  const dir = mkdtempSync(join(tmpdir(), 'basic-auth-'));
  try {
    const env = { KUBECONFIG: join(dir, 'none') };
    const tls = resolveClientConfig({ server: 'https://h:6443', insecureSkipTlsVerify: true, username: 'u', password: 'p' }, env).config;
    assert.deepEqual(tls.basicAuth, { username: 'u', password: 'p' });
    assert.deepEqual(resolveClientConfig({ server: 'https://h:6443', insecureSkipTlsVerify: true, username: 'u' }, env).config.basicAuth, { username: 'u', password: '' });
    assert.equal(resolveClientConfig({ server: 'http://h:8080', username: 'u', password: 'p' }, env).config.basicAuth, undefined);
    assert.throws(() => resolveClientConfig({ server: 'https://h:6443', token: 't', username: 'u' }, env), { message: 'more than one authentication method found for ; found [token basicAuth], only one is allowed' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
