/**
 * Static bearer tokens, as kube-apiserver's `--token-auth-file`: a CSV of
 * `token,user,uid,"group1,group2"`. At first start the file is made with an admin token
 * (group system:masters) and an agent join token; later starts read it as it is.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readIfExists, writeFileAtomic } from './files.js';
import { Groups, type UserInfo } from './user.js';

/** The user the admin token authenticates as. */
export const ADMIN_TOKEN_USER = 'admin';
/** The user the join token authenticates as; agents use it to join the cluster. */
export const JOIN_TOKEN_USER = 'system:bootstrap:k8ts-agent';

interface Entry {
  digest: Buffer;
  user: UserInfo;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Splits CSV text into records as Go's encoding/csv does with TrimLeadingSpace: quoted fields may
 * hold commas and doubled quotes, blank lines are skipped.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    const fields: string[] = [];
    let i = 0;
    for (;;) {
      while (raw[i] === ' ' || raw[i] === '\t') i++;
      let field = '';
      if (raw[i] === '"') {
        i++;
        for (; i < raw.length; i++) {
          if (raw[i] === '"' && raw[i + 1] === '"') {
            field += '"';
            i++;
          } else if (raw[i] === '"') {
            break;
          } else {
            field += raw[i];
          }
        }
        if (i >= raw.length) throw new Error(`token file: unterminated quote in record ${records.length + 1}`);
        i++;
        const end = raw.indexOf(',', i);
        i = end === -1 ? raw.length : end;
      } else {
        const end = raw.indexOf(',', i);
        field = raw.slice(i, end === -1 ? raw.length : end);
        i = end === -1 ? raw.length : end;
      }
      fields.push(field);
      if (i >= raw.length) break;
      i++; // the comma
    }
    records.push(fields);
  }
  return records;
}

/** Bearer tokens mapped to users, looked up in constant time. */
export class StaticTokens {
  private readonly entries: Entry[];

  constructor(tokens: ReadonlyArray<{ token: string; user: UserInfo }>) {
    // A later duplicate wins, as in upstream's map-based table.
    const byToken = new Map(tokens.filter((t) => t.token !== '').map((t) => [t.token, t.user] as const));
    this.entries = [...byToken].map(([token, user]) => ({ digest: sha256(token), user }));
  }

  /** Parses token-file text; a record needs at least token, user and uid (upstream's rule). */
  static parse(text: string): StaticTokens {
    return new StaticTokens(
      parseCsv(text).map((r, n) => {
        const [token = '', name = '', uid = '', groups] = r;
        if (r.length < 3) throw new Error(`token file must have at least 3 columns (token, user name, user uid), found ${r.length} in record ${n + 1}`);
        return { token, user: { name, uid, groups: groups === undefined ? [] : groups.split(',') } };
      }),
    );
  }

  /**
   * The user a token belongs to, or undefined. Compares SHA-256 digests with timingSafeEqual
   * against every entry, without stopping early, so timing does not tell how much of a guess matched.
   */
  lookup(token: string): UserInfo | undefined {
    const d = sha256(token);
    let found: UserInfo | undefined;
    for (const e of this.entries) if (timingSafeEqual(d, e.digest)) found = e.user;
    return found && { ...found, groups: [...found.groups] };
  }

  /** How many distinct tokens the table holds. */
  get size(): number {
    return this.entries.length;
  }
}

/** A fresh random token: 32 bytes, hex. */
export const newToken = (): string => randomBytes(32).toString('hex');

const csvField = (s: string) => (/[",\s]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const csvRow = (token: string, u: UserInfo) => [token, u.name, u.uid ?? '', u.groups.join(',')].map(csvField).join(',') + '\n';

/** The token file's table, and the admin and join tokens in it. */
export interface TokenFile {
  tokens: StaticTokens;
  adminToken: string;
  joinToken: string;
  /** True when this call wrote the file (first start, or a row was missing). */
  written: boolean;
}

/**
 * Reads the token file at `path`, creating it (0600) with an admin and a join token when missing, and
 * appending either row when a file lacks it.
 */
export async function ensureTokenFile(path: string): Promise<TokenFile> {
  let text = (await readIfExists(path)) ?? '';
  const records = parseCsv(text);
  const find = (pred: (r: string[]) => boolean) => records.find((r) => r.length >= 3 && r[0] !== '' && pred(r))?.[0];
  let adminToken = find((r) => r[1] === ADMIN_TOKEN_USER && (r[3] ?? '').split(',').includes(Groups.masters));
  let joinToken = find((r) => r[1] === JOIN_TOKEN_USER);
  let written = false;
  if (text !== '' && !text.endsWith('\n')) text += '\n';
  if (adminToken === undefined) {
    adminToken = newToken();
    text += csvRow(adminToken, { name: ADMIN_TOKEN_USER, uid: ADMIN_TOKEN_USER, groups: [Groups.masters] });
    written = true;
  }
  if (joinToken === undefined) {
    joinToken = newToken();
    text += csvRow(joinToken, { name: JOIN_TOKEN_USER, uid: JOIN_TOKEN_USER, groups: [Groups.bootstrappers] });
    written = true;
  }
  if (written) await writeFileAtomic(path, text, 0o600);
  return { tokens: StaticTokens.parse(text), adminToken, joinToken, written };
}
