/** Number formatting shared by the Markdown report and the progress lines. */

/** Formats milliseconds with three significant digits, switching to µs below 0.1 ms. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 0.1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms >= 1000) return `${Math.round(ms).toLocaleString("en-US")} ms`;
  return `${ms.toPrecision(3)} ms`;
}

export function formatOps(opsPerSecond: number): string {
  return Math.round(opsPerSecond).toLocaleString("en-US");
}

/** Formats a speed ratio as "3.2×", with more digits near 1. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "n/a";
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

export function formatMiB(mib: number): string {
  return `${mib.toFixed(1)} MiB`;
}

/** Formats bytes per second as GB/s, or MB/s below 1 GB/s (decimal units). */
export function formatThroughput(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1e9) return `${(bytesPerSecond / 1e9).toFixed(2)} GB/s`;
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}
