/**
 * `--match-server-version`: before its first request the client reads the server's `/version`
 * and refuses to go on unless git version, commit and tree state equal this client's, worded as
 * client-go's discovery.MatchesServerVersion (Go's `%#v` of both version.Info values).
 */
import { RestClient } from '../client/rest.js';
import type { RestRequest } from '../client/types.js';
import { errorText } from '../util/errors.js';
import { clientVersion, type VersionInfo } from './commands/version.js';
import { CliError } from './errors.js';

const FIELDS: ReadonlyArray<readonly [keyof VersionInfo, string]> = [
  ['major', 'Major'],
  ['minor', 'Minor'],
  ['gitVersion', 'GitVersion'],
  ['gitCommit', 'GitCommit'],
  ['gitTreeState', 'GitTreeState'],
  ['buildDate', 'BuildDate'],
  ['goVersion', 'GoVersion'],
  ['compiler', 'Compiler'],
  ['platform', 'Platform'],
];

/** Go's `%#v` of a version.Info (`&` in front for the server's, which client-go holds by pointer). */
export function goVersionInfo(v: VersionInfo, pointer = false): string {
  return `${pointer ? '&' : ''}version.Info{${FIELDS.map(([k, go]) => `${go}:${JSON.stringify(v[k])}`).join(', ')}}`;
}

/** The server's answer decoded into version.Info (unknown fields dropped, missing ones empty). */
function asVersionInfo(body: unknown): VersionInfo {
  const o = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const info = {} as VersionInfo;
  for (const [k] of FIELDS) info[k] = typeof o[k] === 'string' ? o[k] : '';
  return info;
}

/** The error when the versions differ, or undefined when they match. */
export function versionMismatch(server: VersionInfo, client: VersionInfo): string | undefined {
  const same = server.gitVersion === client.gitVersion && server.gitCommit === client.gitCommit && server.gitTreeState === client.gitTreeState;
  return same ? undefined : `server version (${goVersionInfo(server, true)}) differs from client version (${goVersionInfo(client)})`;
}

/** Go's text of a failed GET, for the connection failures people meet (the rest as our text). */
function readFailure(url: string, e: unknown): string {
  const cause = ((e as { cause?: unknown } | undefined)?.cause ?? e) as NodeJS.ErrnoException & { address?: string; port?: number };
  if (cause.code === 'ECONNREFUSED' && cause.address !== undefined) return `Get "${url}": dial tcp ${cause.address}:${cause.port ?? ''}: connect: connection refused`;
  return errorText(e);
}

/** A RestClient that checks the server's version once, before anything else it sends. */
export class VersionCheckingClient extends RestClient {
  #checked?: Promise<void>;

  override async request<T>(req: RestRequest): Promise<T> {
    await this.#check();
    return super.request<T>(req);
  }

  override async stream(req: RestRequest): ReturnType<RestClient['stream']> {
    await this.#check();
    return super.stream(req);
  }

  #check(): Promise<void> {
    // client-go's discovery client asks with its own 32 s timeout.
    this.#checked ??= super.request<unknown>({ method: 'GET', path: '/version', query: { timeout: '32s' } }).then(
      (body) => {
        const mismatch = versionMismatch(asVersionInfo(body), clientVersion());
        if (mismatch) throw new CliError(mismatch);
      },
      (e: unknown) => {
        throw new CliError(`couldn't read version from server: ${readFailure(`${this.config.server.replace(/\/$/, '')}/version?timeout=32s`, e)}`);
      },
    );
    return this.#checked;
  }
}
