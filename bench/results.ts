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
  rssBeforeMiB: number;
  rssAfterMiB: number;
  phases: PhaseFigure[];
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
  queue: QueueFigures;
  skipped: SkippedPart[];
  /** Wall time of the whole run, in seconds. */
  totalSeconds: number;
}
