/**
 * SQLite adapter (sql.js: SQLite compiled to WebAssembly, no native build). The database lives in
 * memory and is written to `filePath` after changes: the whole image goes to a temp file that is
 * then renamed over the old one, so a crash never leaves a half-written file. Writes coalesce:
 * at most one is in flight, and changes made meanwhile are written by the next one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import initSqlJs from 'sql.js';
import type { Database, SqlValue } from 'sql.js';
import type { ScenarioResult } from '../../../studies/index.js';
import type { StudyRecord, StudyStore } from './types.js';
import { isCacheable, withIndex } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS studies (id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS study_results (
  study_id TEXT NOT NULL, idx INTEGER NOT NULL, key TEXT NOT NULL, inline_result TEXT,
  PRIMARY KEY (study_id, idx));
CREATE TABLE IF NOT EXISTS scenario_cache (key TEXT PRIMARY KEY, result TEXT NOT NULL);
`;

export interface SqliteStoreOptions {
  /** Database file; null keeps everything in memory (tests). */
  readonly filePath: string | null;
}

async function readImage(filePath: string | null): Promise<Uint8Array | undefined> {
  if (filePath === null) return undefined;
  try {
    return await readFile(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function rows(db: Database, sql: string, params: SqlValue[]): SqlValue[][] {
  return db.exec(sql, params)[0]?.values ?? [];
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<StudyStore> {
  const SQL = await initSqlJs();
  const { filePath } = options;
  const db = new SQL.Database(await readImage(filePath));
  db.exec(SCHEMA);
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;
  let version = 0;

  const writeOnce = async (): Promise<void> => {
    if (filePath === null || !dirty) return;
    dirty = false;
    const image = db.export();
    const temp = `${filePath}.${process.pid}.${++version}.tmp`;
    await mkdir(dirname(filePath), { recursive: true });
    await writeFile(temp, image);
    await rename(temp, filePath);
  };
  const changed = (): void => {
    dirty = true;
    writing = writing.then(writeOnce);
  };

  return {
    putStudy(record: StudyRecord) {
      db.run('INSERT OR REPLACE INTO studies (id, record) VALUES (?, ?)', [
        record.id,
        JSON.stringify(record),
      ]);
      changed();
      return Promise.resolve();
    },
    getStudy(id) {
      const [row] = rows(db, 'SELECT record FROM studies WHERE id = ?', [id]);
      return Promise.resolve(
        row === undefined ? null : (JSON.parse(String(row[0])) as StudyRecord),
      );
    },
    putResult(studyId, index, key, result: ScenarioResult) {
      const cacheable = isCacheable(result);
      if (cacheable)
        db.run('INSERT OR REPLACE INTO scenario_cache (key, result) VALUES (?, ?)', [
          key,
          JSON.stringify(result),
        ]);
      db.run(
        'INSERT OR REPLACE INTO study_results (study_id, idx, key, inline_result) VALUES (?, ?, ?, ?)',
        [studyId, index, key, cacheable ? null : JSON.stringify(result)],
      );
      changed();
      return Promise.resolve();
    },
    getResults(studyId) {
      const found = rows(
        db,
        `SELECT r.idx, COALESCE(r.inline_result, c.result) FROM study_results r
         LEFT JOIN scenario_cache c ON c.key = r.key WHERE r.study_id = ? ORDER BY r.idx`,
        [studyId],
      );
      return Promise.resolve(
        found.flatMap(([idx, json]) =>
          json === null || json === undefined
            ? []
            : [withIndex(JSON.parse(String(json)) as ScenarioResult, Number(idx))],
        ),
      );
    },
    getCached(key) {
      const [row] = rows(db, 'SELECT result FROM scenario_cache WHERE key = ?', [key]);
      return Promise.resolve(
        row === undefined ? null : (JSON.parse(String(row[0])) as ScenarioResult),
      );
    },
    async flush() {
      await writing;
    },
    ping: () => Promise.resolve(),
    async close() {
      await writing;
      db.close();
    },
  };
}
