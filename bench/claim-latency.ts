/**
 * Claim latency: the wall time of one `claimJobs(db, { limit: 1 })` call,
 * and of a claim followed by the no-op job's completion transaction (what
 * the worker runs per job when the handler does nothing), one call at a
 * time. The cases run in interleaved blocks, so load from other processes
 * falls on all of them alike.
 */
import { claimJobs, resolveClaimStrategy } from "../src/queue/claim-jobs.js";
import { completeJob } from "../src/queue/complete-job.js";
import type { ClaimStrategy } from "../src/queue/types.js";
import type { Db } from "../src/store/db.js";
import { formatMs } from "./format.js";
import { countJobs } from "./queue-fill.js";
import type { ClaimLatencyFigure, ClaimMethod } from "./queue-results.js";
import { summarizeLatency } from "./stats.js";

export interface ClaimLatencySettings {
  /** Untimed claims per case before the first block. */
  warmupClaims: number;
  /** Blocks per case; each block times `claimsPerBlock` claims, then as many round trips. */
  blocks: number;
  claimsPerBlock: number;
}

/** One database and claim strategy to time; several cases may share one jobs table. */
export interface ClaimLatencyCase {
  db: Db;
  strategy: ClaimStrategy;
}

const RUNNER = "bench:claim-latency";
const LEASE_MS = 60_000;

interface CaseSamples {
  method: ClaimMethod;
  queuedJobs: number;
  claims: number[];
  roundTrips: number[];
}

/** Times claims on every case and returns one figure per case, in the order given. */
export async function measureClaimLatency(
  cases: readonly ClaimLatencyCase[],
  settings: ClaimLatencySettings,
  progress: (line: string) => void,
): Promise<ClaimLatencyFigure[]> {
  const samples: CaseSamples[] = [];
  for (const entry of cases) {
    await claimOnce(entry, settings.warmupClaims);
    const method = resolveClaimStrategy(entry.db, entry.strategy);
    samples.push({ method, queuedJobs: await countJobs(entry.db, "queued"), claims: [], roundTrips: [] });
  }
  for (let block = 0; block < settings.blocks; block += 1) {
    for (const [index, entry] of cases.entries()) {
      const target = samples[index] as CaseSamples;
      target.claims.push(...(await timeClaims(entry, settings.claimsPerBlock)));
      target.roundTrips.push(...(await timeRoundTrips(entry, settings.claimsPerBlock)));
    }
  }
  return cases.map((entry, index) => toFigure(entry, samples[index] as CaseSamples, progress));
}

function toFigure(entry: ClaimLatencyCase, samples: CaseSamples, progress: (line: string) => void): ClaimLatencyFigure {
  const figure: ClaimLatencyFigure = {
    dialect: entry.db.dialect,
    method: samples.method,
    queuedJobs: samples.queuedJobs,
    claims: samples.claims.length,
    claim: summarizeLatency(samples.claims),
    roundTrip: summarizeLatency(samples.roundTrips),
  };
  progress(
    `claim latency (${figure.dialect}, ${figure.method}): p50 ${formatMs(figure.claim.p50Ms)}, ` +
      `p99 ${formatMs(figure.claim.p99Ms)}, claim + complete p50 ${formatMs(figure.roundTrip.p50Ms)}`,
  );
  return figure;
}

function claimOne(entry: ClaimLatencyCase) {
  return claimJobs(entry.db, { runner: RUNNER, leaseMs: LEASE_MS, limit: 1, strategy: entry.strategy });
}

async function claimOnce(entry: ClaimLatencyCase, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) await claimOne(entry);
}

/** Returns the wall time of each claim in ms; claimed jobs stay running. */
async function timeClaims(entry: ClaimLatencyCase, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    const jobs = await claimOne(entry);
    times.push(performance.now() - started);
    if (jobs.length !== 1) throw new Error(`Claim latency bench: the claim returned ${jobs.length} jobs instead of 1; the queue ran dry, so raise latencyQueuedJobs.`);
  }
  return times;
}

/** Returns the wall time of each claim plus completion transaction in ms. */
async function timeRoundTrips(entry: ClaimLatencyCase, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    const [job] = await claimOne(entry);
    if (!job) throw new Error("Claim latency bench: the claim returned no job; the queue ran dry, so raise latencyQueuedJobs.");
    const completed = await entry.db.transaction((tx) => completeJob(tx, job));
    times.push(performance.now() - started);
    if (!completed) throw new Error(`Claim latency bench: completing job ${job.id} found its claim lost.`);
  }
  return times;
}
