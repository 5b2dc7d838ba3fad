/**
 * `kubectl version`: our client version, the server's `/version`, and kubectl's version-skew
 * warning. Our client says what it is: it implements kubectl 1.32's behaviour (major 1, minor 32,
 * which the skew check compares), under a `-k8ts` git version like the k8ts API server's; build
 * facts a Go binary carries that we do not have are left empty. We ship no kustomize, so there is
 * no Kustomize line (kubectl's JSON leaves an empty kustomizeVersion out the same way).
 */
import { CliError } from '../errors.js';
import { goJson } from './config/view.js';
import { NO_SERVER_MESSAGE } from '../kubeconfig.js';
import { toYaml } from '../kubeconfig/model.js';
import type { Command } from '../types.js';

/** apimachinery's version.Info, field order as Go marshals it. */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

/** The version this client reports. */
export function clientVersion(): VersionInfo {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-k8ts',
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${GO_ARCH[process.arch] ?? process.arch}`,
  };
}

/** Only the fields version.Info has, in its order (the server may send more). */
function asInfo(v: unknown): VersionInfo {
  const o = (v !== null && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const s = (k: string) => (typeof o[k] === 'string' ? o[k] : '');
  return { major: s('major'), minor: s('minor'), gitVersion: s('gitVersion'), gitCommit: s('gitCommit'), gitTreeState: s('gitTreeState'), buildDate: s('buildDate'), goVersion: s('goVersion'), compiler: s('compiler'), platform: s('platform') };
}

/** major.minor of a semantic `v1.32.0-x` git version (ParseSemantic), or undefined when it is not one. */
function majorMinor(gitVersion: string): [number, number] | undefined {
  const m = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(gitVersion);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** kubectl's warning when client and server are more than one minor version apart; '' otherwise. */
export function skewWarning(client: VersionInfo, server: VersionInfo): string {
  const c = majorMinor(client.gitVersion);
  const s = majorMinor(server.gitVersion);
  if (!c) throw new CliError(`could not parse "${client.gitVersion}" as version`);
  if (!s) throw new CliError(`could not parse "${server.gitVersion}" as version`);
  if (c[0] === s[0] && Math.abs(c[1] - s[1]) <= 1) return '';
  return `WARNING: version difference between client (${c[0]}.${c[1]}) and server (${s[0]}.${s[1]}) exceeds the supported minor version skew of +/-1\n`;
}

export const command: Command = {
  name: 'version',
  short: 'Print the client and server version information',
  long: 'Print the client and server version information for the current context.',
  usage: 'kubectl version',
  examples: '  # Print the client and server versions for the current context\n  kubectl version',
  flags: [
    { name: 'client', type: 'bool', default: false, help: 'If true, shows client version only (no server required).' },
    { name: 'output', short: 'o', type: 'string', default: '', help: "One of 'yaml' or 'json'." },
  ],
  async run(ctx) {
    const clientOnly = ctx.flags.bool('client');
    const output = ctx.flags.string('output');
    let serverError: unknown;
    if (!clientOnly) {
      // As kubectl: a configuration that cannot be used fails before anything is printed, except
      // the lack of any, which surfaces only when the default server does not answer.
      try {
        ctx.factory.clientConfig();
      } catch (e) {
        if (!(e instanceof CliError && e.message === NO_SERVER_MESSAGE)) throw e;
        serverError = e;
      }
      if (ctx.args.length > 0) throw new CliError(`extra arguments: [${ctx.args.join(' ')}]`);
    }
    if (output !== '' && output !== 'yaml' && output !== 'json') throw new CliError("--output must be 'yaml' or 'json'");
    const info: { clientVersion: VersionInfo; serverVersion?: VersionInfo } = { clientVersion: clientVersion() };
    if (!clientOnly && serverError === undefined) {
      try {
        info.serverVersion = asInfo(await ctx.factory.client().request<unknown>({ method: 'GET', path: '/version' }));
      } catch (e) {
        serverError = e;
      }
    }
    const out = ctx.streams.stdout;
    if (output === '') {
      out.write(`Client Version: ${info.clientVersion.gitVersion}\n`);
      if (info.serverVersion) out.write(`Server Version: ${info.serverVersion.gitVersion}\n`);
    } else if (output === 'yaml') {
      out.write(`${toYaml(info)}\n`);
    } else {
      out.write(`${goJson(info, '  ')}\n`);
    }
    if (info.serverVersion) ctx.streams.stderr.write(skewWarning(info.clientVersion, info.serverVersion));
    if (serverError !== undefined) throw serverError instanceof Error ? serverError : new CliError('could not read the server version');
  },
};
