/** The query of the kubelet's /exec and /attach endpoints. */

/** What an exec or attach asks for. */
export interface ExecParams {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** Go's strconv.ParseBool: the API server forwards `1`, kubectl sends `true`, Python `True`. */
function flag(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return false;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new Error(`invalid value for ${name}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/**
 * Parses `command=..&command=..&stdin=..&stdout=..&stderr=..&tty=..`. As upstream, a TTY merges
 * stderr into stdout, so `stderr` is dropped when `tty` is set.
 */
export function parseExecQuery(url: URL): ExecParams {
  const tty = flag(url, 'tty');
  return {
    command: url.searchParams.getAll('command'),
    stdin: flag(url, 'stdin'),
    stdout: flag(url, 'stdout'),
    stderr: flag(url, 'stderr') && !tty,
    tty,
  };
}
