/**
 * The job-queue part of docs/BENCHMARKS.md: claim latency against the
 * documented figure and the goal, throughput by worker process count with
 * what each job cost, and the claim race against the PHP plugin's claim.
 */
import { formatMs, formatOps, formatRatio } from "./format.js";
import type { ClaimLatencyFigure, ClaimRaceFigure, QueueFigures, ThroughputFigure } from "./queue-results.js";
import { median } from "./stats.js";

/** Claim latency the plugin's migration guide documents, in ms. */
export const DOCUMENTED_CLAIM_MS = 5;
/** p50 claim latency this queue aims for on MariaDB/MySQL, in ms. */
export const GOAL_CLAIM_P50_MS = 1;
/** No-op jobs per second this queue aims for with 6 worker processes on MariaDB/MySQL. */
export const GOAL_JOBS_PER_SECOND = 2000;
export const GOAL_PROCESSES = 6;

const METHOD_NAMES = {
  "skip-locked": "MariaDB/MySQL, SKIP LOCKED",
  "claim-token": "MariaDB/MySQL, claim token",
  "sqlite-write-lock": "SQLite (temp file), write lock",
} as const;

const PATTERN_NAMES: Record<string, string> = {
  "plugin-update-join": "plugin 1.2.0: UPDATE … JOIN next row, re-read newest locked by me",
  "plugin-select-then-update": "plugin before 1.2.0: SELECT next, UPDATE by id, run the selected job",
  "engine-skip-locked": "this queue: `claimJobs`, SKIP LOCKED",
  "engine-claim-token": "this queue: `claimJobs`, claim token",
};

export function renderQueueSection(figures: QueueFigures): string {
  const parts = ["## Job queue"];
  if (figures.claimLatency.length > 0) parts.push(renderClaimLatency(figures.claimLatency));
  if (figures.throughput.length > 0) parts.push(renderThroughput(figures.throughput), renderJobCost(figures.throughput));
  if (figures.claimRace.length > 0) parts.push(renderClaimRace(figures.claimRace));
  return parts.join("\n\n");
}

function renderClaimLatency(figures: readonly ClaimLatencyFigure[]): string {
  const first = figures[0] as ClaimLatencyFigure;
  const lines = [
    "### Claim latency",
    "",
    `One \`claimJobs(db, { limit: 1 })\` call at a time, timed ${first.claims.toLocaleString("en-US")} times per row, from a table`,
    `of about ${first.queuedJobs.toLocaleString("en-US")} queued no-op jobs at the start (the MariaDB rows share one table, and every claim takes`,
    "one job from it). *Claim + complete* adds the",
    "completion transaction a worker runs after a no-op handler (`completeJob` in `db.transaction`). The rows run",
    "in interleaved blocks, so load from other processes falls on all of them alike. The migration guide documents",
    `${DOCUMENTED_CLAIM_MS} ms per claim; the goal is a p50 of ${GOAL_CLAIM_P50_MS} ms or less on MariaDB/MySQL.`,
    "",
    "The claim-token claim reads the ids of the first ready jobs through the claim index, then updates them by",
    "primary key with the status checked again. A single `UPDATE … ORDER BY priority, run_after, id LIMIT n`",
    "would change `status`, a column of that index, and on MariaDB 10.11 `ANALYZE` showed it reading every",
    "queued row and sorting them (7,000 rows for one claim from 7,000 queued jobs, p50 10.9 ms here).",
    "",
    `| database, claim method | p50 | p90 | p99 | claim + complete p50 | p50 / documented (${DOCUMENTED_CLAIM_MS} ms) | p50 / goal (${GOAL_CLAIM_P50_MS} ms) |`,
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const figure of figures) {
    const p50 = figure.claim.p50Ms;
    const cells = [
      METHOD_NAMES[figure.method],
      `**${formatMs(p50)}**`,
      formatMs(figure.claim.p90Ms),
      formatMs(figure.claim.p99Ms),
      formatMs(figure.roundTrip.p50Ms),
      formatRatio(p50 / DOCUMENTED_CLAIM_MS),
      formatRatio(p50 / GOAL_CLAIM_P50_MS),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Median jobs/s per process count, over the rounds. */
function medianRates(figures: readonly ThroughputFigure[], dialect: "sqlite" | "mysql"): Map<number, number> {
  const rates = new Map<number, number[]>();
  for (const figure of figures.filter((entry) => entry.dialect === dialect)) {
    rates.set(figure.processes, [...(rates.get(figure.processes) ?? []), figure.jobsPerSecond]);
  }
  return new Map([...rates].map(([processes, values]) => [processes, median(values)]));
}

function renderThroughput(figures: readonly ThroughputFigure[]): string {
  const first = figures[0] as ThroughputFigure;
  const rounds = Math.max(...figures.map((figure) => figure.round));
  const mysql = medianRates(figures, "mysql");
  const sqlite = medianRates(figures, "sqlite");
  const counts = [...new Set(figures.map((figure) => figure.processes))].sort((a, b) => a - b);
  const cell = (rates: Map<number, number>, processes: number): string => {
    const rate = rates.get(processes);
    const base = rates.get(1);
    if (rate === undefined) return "– | –";
    return `${formatOps(rate)} | ${base === undefined ? "n/a" : formatRatio(rate / base)}`;
  };
  const lines = [
    "### No-op job throughput by worker process count",
    "",
    `Each run fills the queue with ${first.jobs.toLocaleString("en-US")} ready jobs, forks the worker processes`,
    `(\`bench/queue-worker-process.ts\`, each one \`Worker\` with a no-op handler, concurrency ${first.concurrency}, \`untilEmpty\`,`,
    "a silent logger) and times from the start signal, sent once every process has connected, to the last",
    `process finding the queue empty. Jobs/s is the median over ${rounds} round${rounds === 1 ? "" : "s"}; the order of process counts`,
    "alternates between rounds. *Scaling* is the rate divided by the 1-process rate.",
    "",
    "| processes | MariaDB/MySQL jobs/s | scaling | SQLite jobs/s | scaling |",
    "|---:|---:|---:|---:|---:|",
    ...counts.map((processes) => `| ${processes} | ${cell(mysql, processes)} | ${cell(sqlite, processes)} |`),
  ];
  const atGoal = mysql.get(GOAL_PROCESSES);
  if (atGoal !== undefined) {
    lines.push(
      "",
      `Goal: ${formatOps(GOAL_JOBS_PER_SECOND)} jobs/s with ${GOAL_PROCESSES} processes on MariaDB/MySQL. ` +
        `This run: ${formatOps(atGoal)} jobs/s, ${formatRatio(atGoal / GOAL_JOBS_PER_SECOND)} of the goal` +
        `${atGoal >= GOAL_JOBS_PER_SECOND ? ", so it meets the goal" : ", so it misses the goal"}.`,
    );
  }
  return lines.join("\n");
}

function renderJobCost(figures: readonly ThroughputFigure[]): string {
  const lines = [
    "#### What each job cost, and was every job run exactly once",
    "",
    "One row per run. *Client CPU* is the worker processes' user + system time per job; *server CPU* is the",
    "MariaDB server process's time per job, read from `/proc` (only when the server runs on this host).",
    "Statements, fsyncs and row lock waits are the change in the server's global `Questions`, `Innodb_data_fsyncs`",
    "and `Innodb_row_lock_waits`, which also count other clients of the server. *Completed* is the jobs with",
    "status completed afterwards, *handler runs* is the ids the processes' handlers saw, and *run twice* the ids",
    "seen more than once. A rough ceiling on the machine's cores is cores × 1,000 ms ÷ (client + server CPU ms per job).",
    "",
    "| database | round | processes | jobs/s | client CPU / job | server CPU / job | statements / job | fsyncs / job | row lock waits | completed / handler runs / run twice | load average at end |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
  ];
  for (const figure of figures) {
    const server = figure.server;
    const cells = [
      figure.dialect === "mysql" ? "MariaDB/MySQL" : "SQLite",
      String(figure.round),
      String(figure.processes),
      formatOps(figure.jobsPerSecond),
      formatMs(figure.clientCpuMsPerJob),
      server?.cpuMsPerJob == null ? "n/a" : formatMs(server.cpuMsPerJob),
      server ? server.statementsPerJob.toFixed(1) : "n/a",
      server ? server.fsyncsPerJob.toFixed(2) : "n/a",
      server ? formatOps(server.rowLockWaits) : "n/a",
      `${figure.completed} / ${figure.handlerRuns} / ${figure.jobsRunTwice}`,
      figure.loadAverageEnd.toFixed(2),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function renderClaimRace(figures: readonly ClaimRaceFigure[]): string {
  const first = figures[0] as ClaimRaceFigure;
  const lines = [
    "### Claim race: the PHP plugin's claim against this queue's",
    "",
    `${first.workers} workers, each on its own connection in this process, drain ${first.jobs.toLocaleString("en-US")} jobs per row, one job per`,
    "claim, and record the job each believes it got in an executions table. The plugin rows re-create its",
    "claim in SQL (`bench/plugin-claim.ts`) on a table with the plugin's columns, autocommit and the server's",
    "default isolation, and an AFTER UPDATE trigger logs which row each claim statement marked running.",
    "*Wrong re-reads* ran a job other than the one the worker's own claim statement took, for example one",
    "whose `runner` another worker's claim overwrote (for this queue: a claimed job whose completion found its",
    "claim token gone). *Empty re-reads* are claims that took a job after which the worker found no job to run",
    "(for this queue: jobs left running). *Failed claims* ended in a deadlock or",
    "lock wait timeout; the plugin workers go on to the next claim, and this queue's count is what remained",
    "after `claimJobs`'s own retries.",
    "",
    "| claim pattern | isolation | claim calls | failed claims | executions | jobs run twice | wrong re-reads | empty re-reads | not completed | jobs/s |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const figure of figures) {
    const cells = [
      PATTERN_NAMES[figure.pattern] ?? figure.pattern,
      figure.isolation,
      formatOps(figure.claimCalls),
      formatOps(figure.failedClaims),
      formatOps(figure.executions),
      `**${formatOps(figure.jobsRunTwice)}**`,
      formatOps(figure.wrongReReads),
      formatOps(figure.emptyReReads),
      formatOps(figure.notCompleted),
      formatOps(figure.jobs / figure.seconds),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
