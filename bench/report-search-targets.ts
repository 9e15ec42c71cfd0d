/**
 * The search figures against the migration guide's documented targets and
 * this project's goals: p50 latency per corpus size, memory at 10,000 posts,
 * top-10 accuracy, and a Mermaid chart of p50 by size.
 */
import { formatMiB, formatMs, formatRatio } from "./format.js";
import { NODE_HEAP_FLAGS } from "../src/node-flags.js";
import type { SearchFigure } from "./results.js";

/** p50 latency in ms: the documented target and this project's goal, per corpus size. */
export const LATENCY_TARGETS = [
  { posts: 1000, targetMs: 10, goalMs: 2 },
  { posts: 10_000, targetMs: 20, goalMs: 4 },
  { posts: 100_000, targetMs: 50, goalMs: 10 },
] as const;
/** Memory while searching 10,000 posts: the documented 50 MB, and the goal of at most 50 MB RSS growth. */
export const MEMORY_POSTS = 10_000;
export const MEMORY_TARGET_MIB = 50e6 / 2 ** 20;
/** Mean top-10 overlap with the exhaustive search that the engine must reach at 100,000 posts. */
export const ACCURACY_TARGET = 0.95;

export const DIALECT_NAMES = { sqlite: "SQLite", mysql: "MariaDB" } as const;

export function renderLatencyTargets(figures: readonly SearchFigure[]): string {
  const lines = [
    "### Latency against the targets and goals",
    "",
    "| posts | database | p50 | target | p50 / target | goal | p50 / goal | verdict |",
    "|---:|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const figure of figures) {
    const limits = LATENCY_TARGETS.find((entry) => entry.posts === figure.posts);
    if (!limits) continue;
    const p50 = figure.latency.p50Ms;
    lines.push(
      `| ${figure.posts.toLocaleString("en-US")} | ${DIALECT_NAMES[figure.dialect]} | ${formatMs(p50)} | ${limits.targetMs} ms | ${formatRatio(p50 / limits.targetMs)} | ${limits.goalMs} ms | ${formatRatio(p50 / limits.goalMs)} | ${describeGap(p50, limits.targetMs, limits.goalMs)} |`,
    );
  }
  return lines.join("\n");
}

function describeGap(p50: number, targetMs: number, goalMs: number): string {
  if (p50 <= goalMs) return "meets the goal";
  const toGoal = `${formatMs(p50 - goalMs)} above the goal`;
  if (p50 <= targetMs) return `meets the target, ${toGoal}`;
  return `misses the target by ${formatMs(p50 - targetMs)}, ${toGoal}`;
}

export function renderMemoryTargets(figures: readonly SearchFigure[]): string {
  const lines = [
    "### Memory against the target",
    "",
    `The documented target is 50 MB (${formatMiB(MEMORY_TARGET_MIB)}) while searching ${MEMORY_POSTS.toLocaleString("en-US")} posts; the goal is at most that much RSS growth. ` +
      "Each corpus is measured in a fresh process (`bench/search-memory-process.ts`) that opens the engine on the database the bench built and runs the same queries. " +
      "Growth is counted from the RSS once the engine is open (WASM kernels, pool threads, database connection) to the RSS after the queries, " +
      "each read after a garbage collection, so it covers the vector index load and the query phase. " +
      `The process starts Node with the heap flags that \`bin/wpllmseo.js\` uses (${NODE_HEAP_FLAGS.map((flag) => `\`${flag}\``).join(", ")}; see src/node-flags.ts); ` +
      "the column \"with Node's defaults\" repeats the measurement without them, where V8's young generation grows to 16 MiB per half while the index loads. " +
      "RSS also keeps what the process freed but did not return to the system, such as the allocator's freed row buffers. Live growth counts only what is in use after the queries: the JS heap, memory that JS objects own outside it, " +
      "and the vector index's shared memory.",
    "",
    "| posts | database | RSS with the engine open | after index load | after queries | RSS growth | RSS growth / 50 MB | with Node's defaults | vector index | live growth | live growth / 50 MB |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const figure of figures) {
    const memory = figure.isolatedMemory;
    lines.push(
      `| ${figure.posts.toLocaleString("en-US")} | ${DIALECT_NAMES[figure.dialect]} | ${formatMiB(memory.rssOpenMiB)} | ${formatMiB(memory.rssAfterLoadMiB)} | ${formatMiB(memory.rssAfterQueriesMiB)} | ${formatMiB(memory.growthMiB)} | ${formatRatio(memory.growthMiB / MEMORY_TARGET_MIB)} | ${formatMiB(figure.nodeDefaultsMemory.growthMiB)} | ${formatMiB(memory.vectorIndexMiB)} | ${formatMiB(memory.liveGrowthMiB)} | ${formatRatio(memory.liveGrowthMiB / MEMORY_TARGET_MIB)} |`,
    );
  }
  return lines.join("\n");
}

export function renderAccuracy(figures: readonly SearchFigure[]): string {
  const lines = [
    "### Accuracy against an exhaustive search",
    "",
    "The exhaustive search (`bench/exhaustive-search.ts`) scores every chunk by exact float32 cosine and every post by BM25 over every posting " +
      "of every query token (the engine's term weights and idf, with exact document frequencies), ranks each leg, fuses them with the engine's " +
      `\`fuseRanks\` (RRF, k = 60) and keeps the top 10 posts. Overlap is |engine top 10 ∩ exhaustive top 10| / 10, averaged over queries. Target: at least ${ACCURACY_TARGET} at 100,000 posts.`,
    "",
    "| posts | database | queries | mean overlap | lowest overlap |",
    "|---:|---|---:|---:|---:|",
  ];
  for (const figure of figures) {
    const accuracy = figure.accuracy;
    if (!accuracy) continue;
    lines.push(`| ${figure.posts.toLocaleString("en-US")} | ${DIALECT_NAMES[figure.dialect]} | ${accuracy.queries} | ${accuracy.meanOverlap.toFixed(3)} | ${accuracy.minOverlap.toFixed(1)} |`);
  }
  return lines.join("\n");
}

/** Renders a Mermaid xychart of SQLite p50 per size next to the targets and goals (GitHub renders it). */
export function renderLatencyChart(figures: readonly SearchFigure[]): string {
  const sqlite = figures.filter((figure) => figure.dialect === "sqlite");
  if (sqlite.length === 0) return "";
  const limits = sqlite.map((figure) => LATENCY_TARGETS.find((entry) => entry.posts === figure.posts));
  const round = (value: number): string => value.toFixed(2);
  const top = Math.max(...sqlite.map((figure) => figure.latency.p50Ms), ...limits.map((entry) => entry?.targetMs ?? 0));
  return [
    "### p50 by corpus size",
    "",
    "Bars: this engine's p50 on SQLite. Lines: the documented target (upper) and the goal (lower); a size with no target plots 0.",
    "",
    "```mermaid",
    "xychart-beta",
    '  title "Search p50 (ms) by corpus size, SQLite"',
    `  x-axis [${sqlite.map((figure) => `"${figure.posts.toLocaleString("en-US")} posts"`).join(", ")}]`,
    `  y-axis "p50 (ms)" 0 --> ${Math.ceil(top * 1.1)}`,
    `  bar [${sqlite.map((figure) => round(figure.latency.p50Ms)).join(", ")}]`,
    `  line [${limits.map((entry) => entry?.targetMs ?? 0).join(", ")}]`,
    `  line [${limits.map((entry) => entry?.goalMs ?? 0).join(", ")}]`,
    "```",
  ].join("\n");
}
