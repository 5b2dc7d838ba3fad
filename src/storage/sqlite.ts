/**
 * The embedded default store: SQLite (better-sqlite3) in WAL mode, one log table whose row id is
 * the revision, the way kine lays it out. `synchronous=FULL` by default, so an acknowledged write
 * survives a process kill and a power cut; group commit keeps that cheap under concurrency.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogBackend, LogRow, RangeQuery } from './log/backend.js';
import { LogStore, type LogStoreOptions } from './log/log-store.js';

export interface SqliteStoreOptions extends LogStoreOptions {
  /** Database file (created with its directory when missing); ':memory:' for a throwaway one. */
  path: string;
  /** FULL (default): durable across power loss. NORMAL: durable across process crashes only. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Rows deleted per compaction step, so compaction never holds the write lock for long. */
  compactBatch?: number;
}

interface RowRecord {
  id: number;
  name: string;
  create_revision: number;
  prev_revision: number;
  deleted: number;
  value: Buffer;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  value BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

// create_revision 0 in a row means "this row created the key": its own id.
const cols = (t: string) =>
  `${t}.id, ${t}.name, CASE ${t}.create_revision WHEN 0 THEN ${t}.id ELSE ${t}.create_revision END AS create_revision, ${t}.prev_revision, ${t}.deleted, ${t}.value`;
const COLS = cols('kv');
const RANGE = `FROM (SELECT MAX(id) AS mid FROM kv WHERE name >= @from AND (@to = '' OR name < @to) AND name > @after AND id <= @revision GROUP BY name) m
  JOIN kv ON kv.id = m.mid WHERE kv.deleted = 0`;

const toRow = (r: RowRecord): LogRow => ({
  revision: r.id,
  key: r.name,
  createRevision: r.create_revision,
  prevRevision: r.prev_revision,
  deleted: r.deleted !== 0,
  value: r.value,
});

class SqliteBackend implements LogBackend {
  private readonly db: Database.Database;
  private readonly stmts;
  private headRevision: number;
  private compactRevision: number;
  private readonly compactBatch: number;

  constructor(opts: SqliteStoreOptions) {
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.compactBatch = opts.compactBatch ?? 10_000;
    const db = this.db;
    this.stmts = {
      latest: db.prepare<[string], RowRecord>(`SELECT ${COLS} FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`),
      latestAt: db.prepare<[string, number], RowRecord>(`SELECT ${COLS} FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`),
      range: db.prepare<RangeQuery, RowRecord>(`SELECT ${COLS} ${RANGE} ORDER BY kv.name LIMIT CASE WHEN @limit > 0 THEN @limit ELSE -1 END`),
      count: db.prepare<RangeQuery, { n: number }>(`SELECT COUNT(*) AS n ${RANGE}`),
      insert: db.prepare(`INSERT INTO kv (name, create_revision, prev_revision, deleted, value) VALUES (?, ?, ?, ?, ?)`),
      readAfter: db.prepare<[number, string, string, string, number], RowRecord>(
        `SELECT ${COLS} FROM kv WHERE id > ? AND name >= ? AND (? = '' OR name < ?) ORDER BY id LIMIT ?`,
      ),
      byId: db.prepare<[number], RowRecord>(`SELECT ${COLS} FROM kv WHERE id = ?`),
      seq: db.prepare<[], { seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'kv'`),
      getMeta: db.prepare<[string], { value: number }>(`SELECT value FROM meta WHERE name = ?`),
      setMeta: db.prepare(`INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`),
      // In one id window below the compaction revision: rows a newer row at or below it supersedes,
      // and tombstones (their key is absent at that revision either way).
      compactWindow: db.prepare(`DELETE FROM kv WHERE id >= @lo AND id < @hi AND (deleted = 1 OR EXISTS (
          SELECT 1 FROM kv n WHERE n.name = kv.name AND n.id > kv.id AND n.id <= @rev))`),
      minId: db.prepare<[], { id: number | null }>(`SELECT MIN(id) AS id FROM kv`),
    };
    this.headRevision = this.stmts.seq.get()?.seq ?? 0;
    this.compactRevision = this.stmts.getMeta.get('compact_revision')?.value ?? 0;
  }

  latest(key: string, atRevision?: number): LogRow | undefined {
    const r = atRevision === undefined ? this.stmts.latest.get(key) : this.stmts.latestAt.get(key, atRevision);
    return r && toRow(r);
  }

  range(q: RangeQuery): LogRow[] {
    return this.stmts.range.all(q).map(toRow);
  }

  count(q: RangeQuery): number {
    return this.stmts.count.get(q)?.n ?? 0;
  }

  append(row: Omit<LogRow, 'revision'>): number {
    const info = this.stmts.insert.run(row.key, row.createRevision, row.prevRevision, row.deleted ? 1 : 0, row.value);
    return Number(info.lastInsertRowid);
  }

  transaction<T>(fn: () => T): T {
    const before = this.headRevision;
    try {
      const out = this.db.transaction(fn).immediate();
      this.headRevision = this.stmts.seq.get()?.seq ?? this.headRevision;
      return out;
    } catch (e) {
      this.headRevision = before;
      throw e;
    }
  }

  readAfter(after: number, from: string, to: string, limit: number) {
    const rows = this.stmts.readAfter.all(after, from, to, to, limit).map(toRow);
    const last = rows[rows.length - 1];
    const upTo = rows.length === limit && last ? last.revision : this.headRevision;
    return {
      rows: rows.map((row) => {
        // A create after a delete points at the tombstone: there was no previous value.
        const p = row.prevRevision ? this.stmts.byId.get(row.prevRevision) : undefined;
        return { row, prev: p && p.deleted === 0 ? toRow(p) : undefined };
      }),
      upTo,
    };
  }

  head(): number {
    return this.headRevision;
  }

  compacted(): number {
    return this.compactRevision;
  }

  startCompaction(revision: number): void {
    this.db.transaction(() => this.stmts.setMeta.run('compact_revision', revision)).immediate();
    this.compactRevision = revision;
  }

  compactStep(revision: number, from: number): number | undefined {
    const lo = Math.max(from, this.stmts.minId.get()?.id ?? revision);
    if (lo >= revision) return undefined;
    const hi = Math.min(lo + this.compactBatch, revision);
    this.db.transaction(() => this.stmts.compactWindow.run({ lo, hi, rev: revision })).immediate();
    return hi < revision ? hi : undefined;
  }

  close(): void {
    this.db.close();
  }
}

/** Opens (or creates) a SQLite store. */
export function openSqliteStore(opts: SqliteStoreOptions): LogStore {
  return new LogStore(new SqliteBackend(opts), opts);
}
