/**
 * The PHP plugin's claim, re-created in SQL for the claim race bench, on a
 * table of its own with the plugin's jobs columns so the engine's tables
 * are not touched. Two forms:
 *
 * - "update-join" (plugin 1.2.0): one UPDATE joins the jobs table to a
 *   derived "next queued job" row and marks it running without re-checking
 *   its status, then the worker re-reads "the newest job locked by me".
 * - "select-then-update" (the approach the 1.2.0 migration guide replaced,
 *   `find_next()` then `lock_job($id)`): a plain SELECT of the next queued
 *   job and an UPDATE by id, after which the worker runs the job it
 *   selected.
 *
 * Each worker uses its own connection with the server's default isolation
 * level and autocommit, as WordPress's $wpdb does. An AFTER UPDATE trigger
 * logs which row each claim statement marked running, tagged with the
 * worker's claim number (session variable @bench_claim_no), so the job a
 * worker runs can be checked against its claim.
 */
import mysql from "mysql2/promise";
import type { Connection, ResultSetHeader, RowDataPacket } from "mysql2/promise";

export type PluginClaimForm = "update-join" | "select-then-update";

export const PLUGIN_JOBS_TABLE = "bench_plugin_jobs";
export const PLUGIN_CLAIM_LOG_TABLE = "bench_plugin_claim_log";
export const EXECUTIONS_TABLE = "bench_executions";

/**
 * NOTE: the migration guide gives run_after as DATETIME but no type for
 * locked_at; it is taken as DATETIME too, so locked_at has whole seconds.
 */
const CREATE_STATEMENTS = [
  `CREATE TABLE ${PLUGIN_JOBS_TABLE} (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, job_type VARCHAR(64) NOT NULL,
    post_id BIGINT UNSIGNED NULL, snippet_id BIGINT UNSIGNED NULL, payload LONGTEXT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'queued', attempts INT NOT NULL DEFAULT 0,
    max_attempts INT NOT NULL DEFAULT 5, last_error TEXT NULL, locked TINYINT NOT NULL DEFAULT 0,
    locked_at DATETIME NULL, runner VARCHAR(128) NULL, dedupe_key VARCHAR(191) NULL,
    run_after DATETIME NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
    PRIMARY KEY (id), KEY status (status), KEY runner (runner)
  ) ENGINE=InnoDB`,
  `CREATE TABLE ${PLUGIN_CLAIM_LOG_TABLE} (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, job_id BIGINT UNSIGNED NOT NULL,
    runner VARCHAR(128) NOT NULL, claim_no INT NOT NULL, PRIMARY KEY (id), KEY claim (runner, claim_no)
  ) ENGINE=InnoDB`,
  `CREATE TRIGGER bench_plugin_log_claim AFTER UPDATE ON ${PLUGIN_JOBS_TABLE} FOR EACH ROW
    BEGIN
      IF NEW.status = 'running' THEN
        INSERT INTO ${PLUGIN_CLAIM_LOG_TABLE} (job_id, runner, claim_no) VALUES (NEW.id, NEW.runner, @bench_claim_no);
      END IF;
    END`,
];

const CLAIM_SQL: Record<PluginClaimForm, string> = {
  "update-join":
    `UPDATE ${PLUGIN_JOBS_TABLE} j JOIN (SELECT id FROM ${PLUGIN_JOBS_TABLE} WHERE status = 'queued'` +
    " ORDER BY id LIMIT 1) next ON j.id = next.id" +
    " SET j.status = 'running', j.locked = 1, j.locked_at = NOW(), j.runner = ?",
  "select-then-update":
    `UPDATE ${PLUGIN_JOBS_TABLE} SET status = 'running', locked = 1, locked_at = NOW(), runner = ? WHERE id = ?`,
};

const SELECT_NEXT_SQL = `SELECT id FROM ${PLUGIN_JOBS_TABLE} WHERE status = 'queued' ORDER BY id LIMIT 1`;
const REREAD_SQL =
  `SELECT id FROM ${PLUGIN_JOBS_TABLE} WHERE runner = ? AND status = 'running' ORDER BY locked_at DESC LIMIT 1`;
const COMPLETE_SQL = `UPDATE ${PLUGIN_JOBS_TABLE} SET status = 'completed', locked = 0, updated_at = NOW() WHERE id = ?`;

/** Opens one plain mysql2 connection to the database of `url`, outside the engine's store layer. */
export function connectPlain(url: string): Promise<Connection> {
  const parsed = new URL(url);
  return mysql.createConnection({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
}

/** Creates the plugin-style jobs table, its claim log and the logging trigger. */
export async function createPluginTables(connection: Connection): Promise<void> {
  for (const statement of CREATE_STATEMENTS) await connection.query(statement);
}

/** Empties the plugin-style tables and inserts `count` queued jobs. */
export async function fillPluginJobs(connection: Connection, count: number): Promise<void> {
  await connection.query(`DELETE FROM ${PLUGIN_JOBS_TABLE}`);
  await connection.query(`DELETE FROM ${PLUGIN_CLAIM_LOG_TABLE}`);
  const row = "('embed_post', 'queued', NOW(), NOW(), NOW())";
  for (let first = 0; first < count; first += 500) {
    const rows = new Array<string>(Math.min(500, count - first)).fill(row).join(", ");
    await connection.query(`INSERT INTO ${PLUGIN_JOBS_TABLE} (job_type, status, run_after, created_at, updated_at) VALUES ${rows}`);
  }
}

export interface PluginWorkerTotals {
  claimCalls: number;
  failedClaims: number;
}

/**
 * Runs one simulated plugin worker until a claim finds no queued job. A
 * claim statement that fails with a deadlock is counted, and the next one
 * is tried. An update-join re-read that finds no job leaves no executions
 * row, and the worker goes on claiming.
 */
export async function runPluginWorker(
  connection: Connection,
  form: PluginClaimForm,
  pattern: string,
  runner: string,
): Promise<PluginWorkerTotals> {
  const totals: PluginWorkerTotals = { claimCalls: 0, failedClaims: 0 };
  for (let claimNo = 1; ; claimNo += 1) {
    totals.claimCalls += 1;
    await connection.query("SET @bench_claim_no = ?", [claimNo]);
    let claim: Claim;
    try {
      claim = await claimNext(connection, form, runner);
    } catch (error) {
      if (!isLockConflict(error)) throw error;
      totals.failedClaims += 1;
      continue;
    }
    if (!claim.found) return totals;
    const jobId = claim.jobId ?? (await rereadNewestLocked(connection, runner));
    if (jobId === undefined) continue;
    await connection.query(
      `INSERT INTO ${EXECUTIONS_TABLE} (pattern, runner, claim_no, job_id) VALUES (?, ?, ?, ?)`,
      [pattern, runner, claimNo, jobId],
    );
    await connection.query(COMPLETE_SQL, [jobId]);
  }
}

/** Outcome of a claim: whether a queued job was found, and its id when the claim form returns one. */
interface Claim {
  found: boolean;
  jobId?: string;
}

/** Runs the claim statement(s) of `form`. */
async function claimNext(connection: Connection, form: PluginClaimForm, runner: string): Promise<Claim> {
  if (form === "update-join") {
    const [result] = await connection.query<ResultSetHeader>(CLAIM_SQL[form], [runner]);
    return { found: result.affectedRows > 0 };
  }
  const [next] = await connection.query<RowDataPacket[]>(SELECT_NEXT_SQL);
  const id = next[0]?.["id"] as string | undefined;
  if (id === undefined) return { found: false };
  await connection.query(CLAIM_SQL[form], [runner, id]);
  return { found: true, jobId: id };
}

async function rereadNewestLocked(connection: Connection, runner: string): Promise<string | undefined> {
  const [rows] = await connection.query<RowDataPacket[]>(REREAD_SQL, [runner]);
  return rows[0]?.["id"] as string | undefined;
}

/** True for MariaDB/MySQL deadlock (1213) and lock wait timeout (1205) errors. */
function isLockConflict(error: unknown): boolean {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return errno === 1213 || errno === 1205;
}
