/**
 * The end-to-end search part of docs/BENCHMARKS.md: one column per corpus
 * size and database, then the targets, memory, accuracy, a chart, and where
 * the time goes.
 */
import { formatMiB, formatMs, formatPercent } from "./format.js";
import {
  DIALECT_NAMES,
  renderAccuracy,
  renderLatencyChart,
  renderLatencyTargets,
  renderMemoryTargets,
} from "./report-search-targets.js";
import type { SearchFigure, SkippedPart } from "./results.js";
import { PHASES } from "./search-phases.js";

export function renderSearchSection(figures: readonly SearchFigure[], skipped: readonly SkippedPart[]): string {
  const parts = [renderIntro(figures, skipped)];
  if (figures.length > 0) {
    parts.push(
      renderFigureTable(figures),
      renderLatencyTargets(figures),
      renderLatencyChart(figures),
      renderMemoryTargets(figures),
      renderAccuracy(figures),
      renderPhases(figures),
    );
  }
  return parts.join("\n\n");
}

function columnName(figure: SearchFigure): string {
  return `${DIALECT_NAMES[figure.dialect]}, ${figure.posts.toLocaleString("en-US")}`;
}

function renderIntro(figures: readonly SearchFigure[], skipped: readonly SkippedPart[]): string {
  const first = figures[0];
  const queries = first ? `${first.queries} queries after ${first.warmupQueries} warm-up queries` : "the queries";
  const cuts = skipped.filter((part) => part.part.startsWith("search on")).map((part) => `Not measured: ${part.part}, because ${part.reason}.`);
  return [
    "## End-to-end search by corpus size",
    "",
    "The corpus is synthetic and the same on every run (seeded PRNG), and a smaller corpus is the first posts of a larger one.",
    "Its words are the ranked vocabulary of the README files in `node_modules` (lower-case words of 3 or more letters, code",
    "blocks and URLs removed), drawn with Zipf frequencies (exponent 1). Each post has a 4-8 word title and a body of about",
    "300 words (lognormal, σ 0.5, 40 to 3,000 words) in `<p>` paragraphs. Posts go through `importPost`, and the engine's",
    "`Worker` (2 jobs at once, pool threads = cores) drains the `embed_post` queue. The first search after that loads and",
    `verifies every chunk vector; its time is the load time. Then ${queries} of 2-4 words (same vocabulary and distribution,`,
    "stop words redrawn) run one at a time through `engine.searcher.search({ query, k: 10 })`. Build time is import plus",
    "drain. RSS figures are read after a garbage collection (node runs with `--expose-gc`).",
    ...(cuts.length > 0 ? ["", ...cuts] : []),
  ].join("\n");
}

function renderFigureTable(figures: readonly SearchFigure[]): string {
  const rows: [string, (figure: SearchFigure) => string][] = [
    ["chunks / token rows", (f) => `${f.chunks.toLocaleString("en-US")} / ${f.tokenRows.toLocaleString("en-US")}`],
    ["import time", (f) => `${f.importSeconds.toFixed(1)} s`],
    ["index time (worker)", (f) => `${f.indexSeconds.toFixed(1)} s`],
    ["build time (import + index)", (f) => `${(f.importSeconds + f.indexSeconds).toFixed(1)} s`],
    ["index rate", (f) => `${f.indexPostsPerSecond.toFixed(0)} posts/s`],
    ["first search (loads the vector index)", (f) => formatMs(f.firstSearchMs)],
    ["**p50 latency**", (f) => `**${formatMs(f.latency.p50Ms)}**`],
    ["p90 latency", (f) => formatMs(f.latency.p90Ms)],
    ["p99 latency", (f) => formatMs(f.latency.p99Ms)],
    ["mean / max latency", (f) => `${formatMs(f.latency.meanMs)} / ${formatMs(f.latency.maxMs)}`],
    ["candidates per query (mean)", (f) => f.meanCandidates.toFixed(0)],
    ["chunk vectors scanned per query (mean)", (f) => f.meanChunksScored.toFixed(0)],
    ["RSS before → after index load", (f) => `${formatMiB(f.rssBeforeLoadMiB)} → ${formatMiB(f.rssAfterLoadMiB)}`],
    ["RSS before → after timed queries", (f) => `${formatMiB(f.rssBeforeMiB)} → ${formatMiB(f.rssAfterMiB)}`],
  ];
  const header = `| | ${figures.map(columnName).join(" | ")} |`;
  const rule = `|---|${figures.map(() => "---:").join("|")}|`;
  return [header, rule, ...rows.map(([label, cell]) => `| ${label} | ${figures.map(cell).join(" | ")} |`)].join("\n");
}

function renderPhases(figures: readonly SearchFigure[]): string {
  const header = `| step | ${figures.map(columnName).join(" | ")} |`;
  const rule = `|---|${figures.map(() => "---:").join("|")}|`;
  const rows = PHASES.map((phase) => {
    const cells = figures.map((figure) => {
      const step = figure.phases.find((entry) => entry.phase === phase);
      return step ? `${formatMs(step.medianMs)} (${formatPercent(step.share)})` : "n/a";
    });
    return `| ${phase} | ${cells.join(" | ")} |`;
  });
  const sums = figures.map((figure) => {
    const total = figure.phases.reduce((sum, step) => sum + step.medianMs, 0);
    return `${formatMs(total)} (p50 ${formatMs(figure.latency.p50Ms)})`;
  });
  return [
    "### Where a search spends its time",
    "",
    "A second pass runs the same queries again and takes the median of each step's time as the searcher",
    "reports it in `stats.steps` (`bench/search-phases.ts`), with its share of the summed medians. Step medians",
    "come from different queries, so their sum only approximates the end-to-end p50.",
    "",
    header,
    rule,
    ...rows,
    `| sum of step medians | ${sums.join(" | ")} |`,
  ].join("\n");
}
