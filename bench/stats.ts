import type { LatencyFigure } from "./results.js";

/** Returns the median of `values`, or NaN when there are none. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Returns the `p`th percentile (0-100) of `values` by linear interpolation
 * between the closest ranks, or NaN when there are none.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Summarizes latencies in ms as percentiles, mean and max. */
export function summarizeLatency(latencies: readonly number[]): LatencyFigure {
  return {
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    meanMs: mean(latencies),
    maxMs: Math.max(...latencies),
  };
}
