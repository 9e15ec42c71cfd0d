/**
 * Prometheus metrics for `GET /metrics`, in a registry of each server's own.
 * Search figures are counted as requests finish. Queue figures are gauges
 * read from the database at scrape time, because workers run in other
 * processes: the completed, failed and dead-letter gauges are counts over
 * the retained rows and the last 5 and 60 minutes, not process counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

import type { Engine } from "../engine.js";
import { readQueueStatus, type QueueStatus } from "../queue/read-queue-status.js";
import { JOB_STATUSES } from "../queue/types.js";

export type SearchOutcome = "ok" | "invalid" | "rate_limited" | "error";

export interface HttpMetrics {
  registry: Registry;
  observeSearch(outcome: SearchOutcome, seconds: number): void;
  countDeadLetterRetry(result: "retried" | "duplicate" | "not_found"): void;
  countPostWrite(outcome: string): void;
}

/** Scrapes within this many ms share one read of the queue. */
const QUEUE_READ_TTL_MS = 1000;

export function createHttpMetrics(engine: Engine): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "wpllmseo_" });

  const searchSeconds = new Histogram({
    name: "wpllmseo_search_duration_seconds",
    help: "Time to respond to GET /search with 200, in seconds.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const searches = new Counter({
    name: "wpllmseo_searches_total",
    help: "GET /search requests by outcome: ok, invalid (4xx), rate_limited (429) or error (5xx).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const deadLetterRetries = new Counter({
    name: "wpllmseo_http_dead_letter_retries_total",
    help: "Dead letters retried through POST /api/dead-letter/:id/retry, by result.",
    labelNames: ["result"],
    registers: [registry],
  });
  const postWrites = new Counter({
    name: "wpllmseo_http_post_writes_total",
    help: "Posts stored or deleted through /api/posts, by outcome: added, updated, unchanged, deleted.",
    labelNames: ["outcome"],
    registers: [registry],
  });
  registerQueueGauges(registry, engine);
  registerPoolGauges(registry, engine);

  return {
    registry,
    observeSearch(outcome, seconds) {
      searches.inc({ outcome });
      if (outcome === "ok") searchSeconds.observe(seconds);
    },
    countDeadLetterRetry(result) {
      deadLetterRetries.inc({ result });
    },
    countPostWrite(outcome) {
      postWrites.inc({ outcome });
    },
  };
}

function registerQueueGauges(registry: Registry, engine: Engine): void {
  let cached: { at: number; status: Promise<QueueStatus> } | null = null;
  const readStatus = (): Promise<QueueStatus> => {
    const now = performance.now();
    if (cached === null || now - cached.at > QUEUE_READ_TTL_MS) {
      const status = readQueueStatus(engine.db);
      // A failed read is not kept, so the next scrape reads again.
      status.catch(() => {
        cached = null;
      });
      cached = { at: now, status };
    }
    return cached.status;
  };

  new Gauge({
    name: "wpllmseo_jobs",
    help: "Jobs in the queue table by status, read at scrape time.",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const status = await readStatus();
      for (const name of JOB_STATUSES) this.set({ status: name }, status.counts[name]);
    },
  });
  const figures: [string, string, (status: QueueStatus) => number][] = [
    ["wpllmseo_dead_letters", "Rows in the dead-letter table.", (status) => status.deadLetterCount],
    ["wpllmseo_jobs_overdue", "Queued jobs ready for over a minute and not claimed.", (status) => status.overdueCount],
    ["wpllmseo_jobs_running_leases", "Jobs held by a worker (status running).", (status) => status.running.length],
    ["wpllmseo_jobs_completed_last_5_minutes", "Jobs completed in the last 5 minutes.", (status) => status.completedLast5Minutes],
    ["wpllmseo_jobs_completed_last_60_minutes", "Jobs completed in the last 60 minutes.", (status) => status.completedLast60Minutes],
    [
      "wpllmseo_oldest_queued_job_age_seconds",
      "Age of the oldest queued job in seconds; 0 with none queued.",
      (status) => status.oldestQueuedSeconds ?? 0,
    ],
  ];
  for (const [name, help, read] of figures) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(read(await readStatus()));
      },
    });
  }
}

function registerPoolGauges(registry: Registry, engine: Engine): void {
  new Gauge({
    name: "wpllmseo_pool_threads",
    help: "Worker threads in the kernel pool.",
    registers: [registry],
    collect() {
      this.set(engine.pool.threads);
    },
  });
  new Gauge({
    name: "wpllmseo_pool_utilization_ratio",
    help: "Busy share of the kernel pool's threads since the pool started, from 0 to 1 (Piscina's utilization).",
    registers: [registry],
    collect() {
      this.set(engine.pool.utilization);
    },
  });
}
