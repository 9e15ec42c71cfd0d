import type { QueueFigures } from "./queue-results.js";

/**
 * The figures a bench run produces. The Markdown report and the --json file
 * are both rendered from a BenchReport.
 */

/** One benchmark.js case. */
export interface CaseFigure {
  name: string;
  /** Operations per second (benchmark.js `hz`). */
  opsPerSecond: number;
  /** Relative margin of error of the mean at 95% confidence, in percent. */
  rmePercent: number;
  /** Median of the per-sample mean times, in milliseconds. */
  medianMs: number;
  samples: number;
  /** Bytes read per operation, when throughput is meaningful. */
  bytesPerOp?: number;
}

/** Cases measured side by side. Speed-up ratios are relative to the `baseline` case. */
export interface SuiteFigure {
  suite: string;
  title: string;
  /** Description of one operation, such as "score 3,000 rows". */
  operation: string;
  baseline: string;
  cases: CaseFigure[];
}

export interface LatencyFigure {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

/** Median time of each search step over the timed queries, in milliseconds. */
export interface PhaseFigure {
  phase: string;
  medianMs: number;
  /** Share of the summed step medians, from 0 to 1. */
  share: number;
  /** Step that this figure is a part of. Such figures are left out of the step sum. */
  partOf?: string;
}

export interface SearchFigure {
  dialect: "sqlite" | "mysql";
  /** Database the run used, with any password redacted. */
  database: string;
  posts: number;
  chunks: number;
  tokenRows: number;
  importSeconds: number;
  indexSeconds: number;
  /** Posts indexed per second by the worker (import excluded). */
  indexPostsPerSecond: number;
  warmupQueries: number;
  queries: number;
  latency: LatencyFigure;
  /** Mean candidates and scored chunks per query. */
  meanCandidates: number;
  meanChunksScored: number;
  /** RSS across the timed queries. */
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** Wall time of the first search after start, which loads and verifies every chunk vector. */
  firstSearchMs: number;
  /** RSS after a garbage collection, before and after the first search loads the vector index. */
  rssBeforeLoadMiB: number;
  rssAfterLoadMiB: number;
  phases: PhaseFigure[];
  /** Top-10 overlap with the exhaustive search, or null when it was not measured. */
  accuracy: AccuracyFigure | null;
  /** RSS of a fresh process that only searches this corpus. */
  /** Measured in a process started with the CLI's heap flags (src/node-flags.ts). */
  isolatedMemory: IsolatedMemoryFigure;
  /** The same measurement in a process with Node's default heap settings. */
  nodeDefaultsMemory: IsolatedMemoryFigure;
}

/** RSS after a garbage collection in a process that opens the engine and searches one corpus. */
export interface IsolatedMemoryFigure {
  /** Engine open: WASM kernels, pool threads and database connection, no vectors yet. */
  rssOpenMiB: number;
  rssAfterLoadMiB: number;
  rssAfterQueriesMiB: number;
  /** From engine open to after the queries: the vector index and the query phase. */
  growthMiB: number;
  /** JS heap in use, memory JS objects own outside it, and the vector index's shared memory. */
  liveOpenMiB: number;
  liveAfterQueriesMiB: number;
  liveGrowthMiB: number;
  /** Shared memory that contains the int8 vectors, factors and post ordinals. */
  vectorIndexMiB: number;
}

export interface AccuracyFigure {
  queries: number;
  /** Mean over queries of |engine top 10 ∩ exhaustive top 10| / 10. */
  meanOverlap: number;
  minOverlap: number;
}

/** One search implementation on the peer workload. */
export interface PeerFigure {
  name: string;
  /** Ranking method, such as "BM25 full text". */
  method: string;
  buildSeconds: number;
  latency: LatencyFigure;
  /** Growth across the index build, after a garbage collection on both sides. */
  rssGrowthMiB: number;
  heapGrowthMiB: number;
}

/** Ranking quality of one implementation on the Cranfield collection. */
export interface RelevanceFigure {
  name: string;
  buildSeconds: number;
  queries: number;
  ndcgAt10: number;
  recallAt100: number;
}

export interface PeerReport {
  posts: number;
  queries: number;
  latency: PeerFigure[];
  relevance: RelevanceFigure[];
  /** Why the Cranfield part did not run, or null when it ran. */
  relevanceSkipped: string | null;
}

export interface SkippedPart {
  part: string;
  reason: string;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  dateUtc: string;
  /** 1-minute load averages at the start and end of the run. Other processes inflate the figures. */
  loadAverageStart: number;
  loadAverageEnd: number;
}

export interface BenchReport {
  command: string;
  quick: boolean;
  machine: MachineInfo;
  suites: SuiteFigure[];
  search: SearchFigure[];
  peers: PeerReport;
  queue: QueueFigures;
  skipped: SkippedPart[];
  /** Wall time of the whole run, in seconds. */
  totalSeconds: number;
}
