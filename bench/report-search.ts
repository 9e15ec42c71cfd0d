/**
 * The end-to-end search part of docs/BENCHMARKS.md: one column per database,
 * the latency against the target and the goal, and where the time goes.
 */
import { formatMiB, formatMs, formatPercent, formatRatio } from "./format.js";
import type { SearchFigure } from "./results.js";
import { PHASES } from "./search-phases.js";

/** Corpus size that the latency target and goal are stated for. */
export const TARGET_POSTS = 1000;
/** p50 latency the engine must meet at 1,000 posts, in ms. */
export const TARGET_P50_MS = 10;
/** p50 latency the engine aims for at 1,000 posts, in ms. */
export const GOAL_P50_MS = 2;

const DIALECT_NAMES = { sqlite: "SQLite (temp file)", mysql: "MariaDB/MySQL" } as const;

export function renderSearchSection(figures: readonly SearchFigure[]): string {
  const parts = [renderIntro(figures)];
  if (figures.length > 0) {
    parts.push(renderFigureTable(figures), renderTargets(figures), renderPhases(figures));
  }
  return parts.join("\n\n");
}

function renderIntro(figures: readonly SearchFigure[]): string {
  const first = figures[0];
  const posts = first ? first.posts.toLocaleString("en-US") : "1,000";
  const queries = first ? `${first.queries} queries after ${first.warmupQueries} warm-up queries` : "the queries";
  return [
    `## End-to-end search, ${posts} posts`,
    "",
    "The corpus is synthetic and the same on every run (seeded PRNG). Its words are the ranked vocabulary of",
    "the README files in `node_modules` (lower-case words of 3 or more letters, code blocks and URLs removed),",
    "drawn with Zipf frequencies (exponent 1). Each post has a 4-8 word title and a body of about 300 words",
    "(lognormal, σ 0.5, 40 to 3,000 words) in `<p>` paragraphs. Posts go through `importPost`, and the engine's",
    "`Worker` (2 jobs at once, pool threads = cores) drains the `embed_post` queue. Then",
    `${queries} of 2-4 words (same vocabulary and distribution, stop words redrawn)`,
    "run one at a time through `engine.searcher.search({ query, k: 10 })`. Index time is the worker's",
    "drain time, import excluded. RSS is the process's resident set just before and just after the timed queries.",
  ].join("\n");
}

function renderFigureTable(figures: readonly SearchFigure[]): string {
  const rows: [string, (figure: SearchFigure) => string][] = [
    ["posts / chunks / token rows", (f) => `${f.posts} / ${f.chunks} / ${f.tokenRows.toLocaleString("en-US")}`],
    ["import time", (f) => `${f.importSeconds.toFixed(2)} s`],
    ["index time (worker)", (f) => `${f.indexSeconds.toFixed(2)} s`],
    ["index rate", (f) => `${f.indexPostsPerSecond.toFixed(0)} posts/s`],
    ["**p50 latency**", (f) => `**${formatMs(f.latency.p50Ms)}**`],
    ["p90 latency", (f) => formatMs(f.latency.p90Ms)],
    ["p99 latency", (f) => formatMs(f.latency.p99Ms)],
    ["mean / max latency", (f) => `${formatMs(f.latency.meanMs)} / ${formatMs(f.latency.maxMs)}`],
    ["candidates per query (mean)", (f) => f.meanCandidates.toFixed(0)],
    ["chunk vectors scanned per query (mean)", (f) => f.meanChunksScored.toFixed(0)],
    ["RSS before → after queries", (f) => `${formatMiB(f.rssBeforeMiB)} → ${formatMiB(f.rssAfterMiB)}`],
    ["RSS growth", (f) => formatMiB(f.rssAfterMiB - f.rssBeforeMiB)],
  ];
  const header = `| | ${figures.map((f) => DIALECT_NAMES[f.dialect]).join(" | ")} |`;
  const rule = `|---|${figures.map(() => "---:").join("|")}|`;
  return [header, rule, ...rows.map(([label, cell]) => `| ${label} | ${figures.map(cell).join(" | ")} |`)].join("\n");
}

function renderTargets(figures: readonly SearchFigure[]): string {
  const lines = [
    "### Against the target and the goal",
    "",
    `For 1,000 posts the target is a p50 of ${TARGET_P50_MS} ms and the goal is ${GOAL_P50_MS} ms.` +
      (figures[0]?.posts === TARGET_POSTS ? "" : ` This run indexed ${figures[0]?.posts} posts, so the comparison is only indicative.`),
    "",
    `| database | p50 | p50 / target (${TARGET_P50_MS} ms) | p50 / goal (${GOAL_P50_MS} ms) | verdict |`,
    "|---|---:|---:|---:|---|",
  ];
  for (const figure of figures) {
    const p50 = figure.latency.p50Ms;
    lines.push(
      `| ${DIALECT_NAMES[figure.dialect]} | ${formatMs(p50)} | ${formatRatio(p50 / TARGET_P50_MS)} | ${formatRatio(p50 / GOAL_P50_MS)} | ${describeGap(p50)} |`,
    );
  }
  return lines.join("\n");
}

function describeGap(p50: number): string {
  if (p50 <= GOAL_P50_MS) return "meets the goal";
  const toGoal = `${formatMs(p50 - GOAL_P50_MS)} (${formatRatio(p50 / GOAL_P50_MS)}) above the goal`;
  if (p50 <= TARGET_P50_MS) return `meets the target, ${toGoal}`;
  return `misses the target by ${formatMs(p50 - TARGET_P50_MS)}, ${toGoal}`;
}

function renderPhases(figures: readonly SearchFigure[]): string {
  const header = `| step | ${figures.map((f) => `${DIALECT_NAMES[f.dialect]} median | share`).join(" | ")} |`;
  const rule = `|---|${figures.map(() => "---:|---:").join("|")}|`;
  const row = (label: string, phase: string): string => {
    const cells = figures.map((figure) => {
      const step = figure.phases.find((entry) => entry.phase === phase);
      return step ? `${formatMs(step.medianMs)} | ${formatPercent(step.share)}` : "n/a | n/a";
    });
    return `| ${label} | ${cells.join(" | ")} |`;
  };
  const rows = PHASES.map((phase) => row(phase, phase));
  const sums = figures.map((figure) => {
    const total = figure.phases.reduce((sum, step) => sum + step.medianMs, 0);
    return `${formatMs(total)} | p50 ${formatMs(figure.latency.p50Ms)}`;
  });
  return [
    "### Where a search spends its time",
    "",
    "A second pass runs the same queries again and takes the median of each step's time as the searcher",
    "reports it in `stats.steps` (`bench/search-phases.ts`). Step medians come from different queries, so",
    "their sum only approximates the end-to-end p50.",
    "",
    header,
    rule,
    ...rows,
    `| sum of step medians | ${sums.join(" | ")} |`,
  ].join("\n");
}
