/**
 * The job-queue benches on SQLite and on MariaDB/MySQL: claim latency,
 * no-op job throughput by worker process count, and the claim race against
 * the PHP plugin's claim (MariaDB/MySQL only). Each database is created for
 * the run and dropped at the end. On the server it is
 * `wpllmseo_bench_queue_<pid>`, so two bench runs at once do not drop each
 * other's tables.
 */
import { upgrade } from "../src/store/migrate.js";
import { openDb, redactUrl } from "../src/store/open-db.js";
import { createMysqlBenchDatabase, createSqliteBenchDatabase, type BenchDatabase } from "./bench-databases.js";
import { measureClaimLatency, type ClaimLatencyCase, type ClaimLatencySettings } from "./claim-latency.js";
import { runClaimRace, type ClaimRaceSettings } from "./claim-race.js";
import { formatOps } from "./format.js";
import { insertQueuedJobs } from "./queue-fill.js";
import type { QueueFigures, ThroughputFigure } from "./queue-results.js";
import { measureThroughput } from "./queue-throughput.js";
import type { SkippedPart } from "./results.js";

export const MYSQL_QUEUE_DATABASE = `wpllmseo_bench_queue_${process.pid}`;

export interface QueueSettings {
  /** Queued jobs in the table when the claim latency bench starts. */
  latencyQueuedJobs: number;
  latency: ClaimLatencySettings;
  /** Jobs drained by each throughput run. */
  throughputJobs: number;
  /** Runs per process count; the order of process counts alternates between rounds. */
  throughputRounds: number;
  /** `Worker` concurrency in each worker process. */
  concurrency: number;
  mysqlProcesses: readonly number[];
  sqliteProcesses: readonly number[];
  race: ClaimRaceSettings;
}

interface OpenBench {
  database: BenchDatabase;
  db: Awaited<ReturnType<typeof openDb>>;
}

export async function runQueueSuites(
  settings: QueueSettings,
  mysqlUrl: string,
  progress: (line: string) => void,
): Promise<{ figures: QueueFigures; skipped: SkippedPart[] }> {
  const skipped: SkippedPart[] = [];
  const sqlite = await openBench(await createSqliteBenchDatabase());
  let mysql: OpenBench | null = null;
  try {
    mysql = await openBench(await createMysqlBenchDatabase(mysqlUrl, MYSQL_QUEUE_DATABASE));
  } catch (error) {
    const reason = `creating the queue bench database on ${redactUrl(mysqlUrl)} failed: ${error instanceof Error ? error.message : String(error)}`;
    progress(`queue (mysql): skipped because ${reason}`);
    skipped.push({ part: "job queue on MariaDB/MySQL", reason });
  }
  try {
    return { figures: await runOn(sqlite, mysql, settings, progress), skipped };
  } finally {
    await closeBench(sqlite);
    if (mysql) await closeBench(mysql);
  }
}

async function runOn(
  sqlite: OpenBench,
  mysql: OpenBench | null,
  settings: QueueSettings,
  progress: (line: string) => void,
): Promise<QueueFigures> {
  const latencyCases: ClaimLatencyCase[] = [];
  if (mysql) latencyCases.push({ db: mysql.db, strategy: "skip-locked" }, { db: mysql.db, strategy: "claim-token" });
  latencyCases.push({ db: sqlite.db, strategy: "auto" });
  for (const bench of mysql ? [mysql, sqlite] : [sqlite]) await insertQueuedJobs(bench.db, settings.latencyQueuedJobs);
  progress(`claim latency: ${settings.latencyQueuedJobs.toLocaleString("en-US")} queued jobs per database`);
  const claimLatency = await measureClaimLatency(latencyCases, settings.latency, progress);

  const throughput = await runThroughputRounds(sqlite, mysql, settings, progress);
  const claimRace = mysql ? await runClaimRace(mysql.database.url, settings.race, progress) : [];
  return { claimLatency, throughput, claimRace };
}

async function runThroughputRounds(
  sqlite: OpenBench,
  mysql: OpenBench | null,
  settings: QueueSettings,
  progress: (line: string) => void,
): Promise<ThroughputFigure[]> {
  const counts = [...new Set([...settings.mysqlProcesses, ...settings.sqliteProcesses])].sort((a, b) => a - b);
  const figures: ThroughputFigure[] = [];
  for (let round = 1; round <= settings.throughputRounds; round += 1) {
    const order = round % 2 === 1 ? counts : [...counts].reverse();
    for (const processes of order) {
      const targets: OpenBench[] = [];
      if (mysql && settings.mysqlProcesses.includes(processes)) targets.push(mysql);
      if (settings.sqliteProcesses.includes(processes)) targets.push(sqlite);
      for (const target of targets) {
        const figure = await measureThroughput({
          db: target.db,
          url: target.database.url,
          processes,
          concurrency: settings.concurrency,
          jobs: settings.throughputJobs,
          round,
        });
        figures.push(figure);
        progress(
          `queue throughput (${figure.dialect}, round ${round}): ${processes} processes, ` +
            `${formatOps(figure.jobsPerSecond)} jobs/s, ${figure.jobsRunTwice} run twice, ${figure.completed} completed`,
        );
      }
    }
  }
  return figures;
}

async function openBench(database: BenchDatabase): Promise<OpenBench> {
  try {
    const db = await openDb(database.url, { connectionLimit: 2 });
    await upgrade(db);
    return { database, db };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

async function closeBench(bench: OpenBench): Promise<void> {
  try {
    await bench.db.close();
  } finally {
    await bench.database.drop();
  }
}
