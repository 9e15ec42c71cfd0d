/**
 * Claim race: several workers, each on its own connection, drain the same
 * number of jobs with the PHP plugin's claim (plugin-claim.ts) and with this
 * queue's `claimJobs`. Every worker writes the job it believes it got to an
 * executions table. The figures count jobs run twice, re-reads that
 * returned another job or none, and jobs left unfinished.
 */
import type { Connection, RowDataPacket } from "mysql2/promise";

import { claimJobs } from "../src/queue/claim-jobs.js";
import { completeJob } from "../src/queue/complete-job.js";
import type { Db } from "../src/store/db.js";
import { isTransientError } from "../src/store/errors.js";
import { openDb } from "../src/store/open-db.js";
import {
  connectPlain,
  createPluginTables,
  EXECUTIONS_TABLE,
  fillPluginJobs,
  PLUGIN_CLAIM_LOG_TABLE,
  PLUGIN_JOBS_TABLE,
  runPluginWorker,
  type PluginClaimForm,
  type PluginWorkerTotals,
} from "./plugin-claim.js";
import { countJobs, deleteAllJobs, insertQueuedJobs } from "./queue-fill.js";
import type { ClaimRaceFigure } from "./queue-results.js";

export interface ClaimRaceSettings {
  workers: number;
  jobs: number;
}

const PLUGIN_FORMS: readonly PluginClaimForm[] = ["update-join", "select-then-update"];
const ENGINE_STRATEGIES = ["skip-locked", "claim-token"] as const;
type EngineStrategy = (typeof ENGINE_STRATEGIES)[number];

/** Runs every pattern in turn on the bench database of `url` (engine tables already created). */
export async function runClaimRace(
  url: string,
  settings: ClaimRaceSettings,
  progress: (line: string) => void,
): Promise<ClaimRaceFigure[]> {
  const admin = await connectPlain(url);
  try {
    await admin.query(
      `CREATE TABLE ${EXECUTIONS_TABLE} (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, pattern VARCHAR(64) NOT NULL,` +
        " runner VARCHAR(128) NOT NULL, claim_no INT NOT NULL, job_id BIGINT UNSIGNED NOT NULL," +
        " PRIMARY KEY (id), KEY pattern_job (pattern, job_id)) ENGINE=InnoDB",
    );
    await createPluginTables(admin);
    const figures: ClaimRaceFigure[] = [];
    for (const form of PLUGIN_FORMS) figures.push(await racePluginForm(admin, url, form, settings));
    for (const strategy of ENGINE_STRATEGIES) figures.push(await raceEngine(admin, url, strategy, settings));
    for (const figure of figures) {
      progress(
        `claim race (${figure.pattern}): ${figure.jobsRunTwice} jobs run twice, ${figure.wrongReReads} wrong re-reads, ` +
          `${figure.failedClaims} failed claims, ${(figure.jobs / figure.seconds).toFixed(0)} jobs/s`,
      );
    }
    return figures;
  } finally {
    await admin.end();
  }
}

async function racePluginForm(
  admin: Connection,
  url: string,
  form: PluginClaimForm,
  settings: ClaimRaceSettings,
): Promise<ClaimRaceFigure> {
  const pattern = `plugin-${form}`;
  await fillPluginJobs(admin, settings.jobs);
  const connections = await Promise.all(Array.from({ length: settings.workers }, () => connectPlain(url)));
  let totals: PluginWorkerTotals[];
  const isolation = await readIsolation((sql) => (connections[0] as Connection).query<RowDataPacket[]>(sql).then(([rows]) => rows));
  const started = performance.now();
  try {
    totals = await Promise.all(
      connections.map((connection, index) => runPluginWorker(connection, form, pattern, `bench-host:${1000 + index}`)),
    );
  } finally {
    await Promise.all(connections.map((connection) => connection.end()));
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    ...(await countExecutions(admin, pattern, settings, seconds)),
    isolation,
    claimCalls: sum(totals.map((worker) => worker.claimCalls)),
    failedClaims: sum(totals.map((worker) => worker.failedClaims)),
    wrongReReads: await countScalar(
      admin,
      `SELECT COUNT(*) AS n FROM ${EXECUTIONS_TABLE} e LEFT JOIN ${PLUGIN_CLAIM_LOG_TABLE} c` +
        " ON c.runner = e.runner AND c.claim_no = e.claim_no AND c.job_id = e.job_id" +
        " WHERE e.pattern = ? AND c.id IS NULL",
      [pattern],
    ),
    emptyReReads: await countScalar(
      admin,
      `SELECT COUNT(*) AS n FROM ${PLUGIN_CLAIM_LOG_TABLE} c LEFT JOIN ${EXECUTIONS_TABLE} e` +
        " ON e.pattern = ? AND e.runner = c.runner AND e.claim_no = c.claim_no WHERE e.id IS NULL",
      [pattern],
    ),
    notCompleted: await countScalar(admin, `SELECT COUNT(*) AS n FROM ${PLUGIN_JOBS_TABLE} WHERE status <> 'completed'`, []),
  };
}

interface EngineWorkerTotals {
  claimCalls: number;
  failedClaims: number;
  /** Claimed jobs whose completion found the claim token gone. */
  lostClaims: number;
}

async function raceEngine(
  admin: Connection,
  url: string,
  strategy: EngineStrategy,
  settings: ClaimRaceSettings,
): Promise<ClaimRaceFigure> {
  const pattern = `engine-${strategy}`;
  const dbs = await Promise.all(Array.from({ length: settings.workers }, () => openDb(url, { connectionLimit: 1 })));
  try {
    const first = dbs[0] as Db;
    await deleteAllJobs(first);
    await insertQueuedJobs(first, settings.jobs);
    const isolation = await readIsolation((sql) => first.query(sql));
    const started = performance.now();
    const totals = await Promise.all(
      dbs.map((db, index) => runEngineWorker(db, strategy, pattern, `bench-host:${2000 + index}`)),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      ...(await countExecutions(admin, pattern, settings, seconds)),
      isolation,
      claimCalls: sum(totals.map((worker) => worker.claimCalls)),
      failedClaims: sum(totals.map((worker) => worker.failedClaims)),
      wrongReReads: sum(totals.map((worker) => worker.lostClaims)),
      emptyReReads: await countJobs(first, "running"),
      notCompleted: settings.jobs - (await countJobs(first, "completed")),
    };
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
  }
}

/**
 * Claims one job at a time until none is queued, recording and completing
 * each. A claim that still fails on transient errors after `claimJobs`'s
 * own retries is counted and tried again.
 */
async function runEngineWorker(db: Db, strategy: EngineStrategy, pattern: string, runner: string): Promise<EngineWorkerTotals> {
  const totals: EngineWorkerTotals = { claimCalls: 0, failedClaims: 0, lostClaims: 0 };
  for (let claimNo = 1; ; claimNo += 1) {
    totals.claimCalls += 1;
    let jobs;
    try {
      jobs = await claimJobs(db, { runner, leaseMs: 60_000, limit: 1, strategy });
    } catch (error) {
      if (!isTransientError(error)) throw error;
      totals.failedClaims += 1;
      continue;
    }
    const [job] = jobs;
    if (!job) return totals;
    await db.execute(`INSERT INTO ${EXECUTIONS_TABLE} (pattern, runner, claim_no, job_id) VALUES (?, ?, ?, ?)`, [
      pattern,
      runner,
      claimNo,
      job.id,
    ]);
    if (!(await db.transaction((tx) => completeJob(tx, job)))) totals.lostClaims += 1;
  }
}

async function countExecutions(
  admin: Connection,
  pattern: string,
  settings: ClaimRaceSettings,
  seconds: number,
): Promise<Pick<ClaimRaceFigure, "pattern" | "workers" | "jobs" | "seconds" | "executions" | "jobsRunTwice">> {
  return {
    pattern,
    workers: settings.workers,
    jobs: settings.jobs,
    seconds,
    executions: await countScalar(admin, `SELECT COUNT(*) AS n FROM ${EXECUTIONS_TABLE} WHERE pattern = ?`, [pattern]),
    jobsRunTwice: await countScalar(
      admin,
      `SELECT COUNT(*) AS n FROM (SELECT job_id FROM ${EXECUTIONS_TABLE} WHERE pattern = ?` +
        " GROUP BY job_id HAVING COUNT(*) > 1) twice",
      [pattern],
    ),
  };
}

async function countScalar(admin: Connection, sql: string, params: (string | number)[]): Promise<number> {
  const [rows] = await admin.query<RowDataPacket[]>(sql, params);
  return Number(rows[0]?.["n"] ?? 0);
}

/** Reads the session isolation level: MySQL 8 names it transaction_isolation, MariaDB 10.11 only tx_isolation. */
async function readIsolation(query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<string> {
  try {
    const rows = await query("SELECT @@SESSION.transaction_isolation AS level");
    return String(rows[0]?.["level"]);
  } catch {
    const rows = await query("SELECT @@SESSION.tx_isolation AS level");
    return String(rows[0]?.["level"]);
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
