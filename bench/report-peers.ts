/**
 * The peer part of docs/BENCHMARKS.md: this engine next to the PHP plugin's
 * approach, Orama and MiniSearch, for latency and memory on the synthetic
 * corpus and for relevance on Cranfield.
 */
import { formatMiB, formatMs, formatRatio } from "./format.js";
import type { PeerReport, SearchFigure } from "./results.js";

export function renderPeerSection(peers: PeerReport, search: readonly SearchFigure[]): string {
  return ["## Peers side by side", renderPeerLatency(peers, search), renderRelevance(peers)].join("\n\n");
}

function renderPeerLatency(peers: PeerReport, search: readonly SearchFigure[]): string {
  const engine = search.find((figure) => figure.dialect === "sqlite" && figure.posts === peers.posts);
  const lines = [
    `### Latency and memory, ${peers.posts.toLocaleString("en-US")} synthetic posts`,
    "",
    "Each peer indexes the posts that the engine indexed on SQLite (title and plain-text body), in the same process right after the",
    `engine's measurements, then answers the same warm-up and ${peers.queries} timed queries for the top 10. Memory growth is read after a`,
    "garbage collection before and after the build. The engine's row is its SQLite figure: build is import plus queue drain, and memory is",
    "the RSS growth across the first search, which loads the vector index into WASM memory outside the JS heap. Orama gets one vector per",
    "post (the engine's hash embedding, 384 dimensions, of title and body); the PHP approach and the engine score every chunk.",
    "",
    "| implementation | method | build | p50 | p99 | p50 / engine p50 | RSS growth | heap growth |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  if (engine) {
    lines.push(
      `| wpllmseo (this engine) | hybrid: SQL token prefilter (BM25) + int8 scan of every chunk vector, RRF | ${(engine.importSeconds + engine.indexSeconds).toFixed(1)} s | ${formatMs(engine.latency.p50Ms)} | ${formatMs(engine.latency.p99Ms)} | 1× | ${formatMiB(engine.rssAfterLoadMiB - engine.rssBeforeLoadMiB)} | n/a |`,
    );
  }
  for (const peer of peers.latency) {
    const ratio = engine ? formatRatio(peer.latency.p50Ms / engine.latency.p50Ms) : "n/a";
    lines.push(
      `| ${peer.name} | ${peer.method} | ${peer.buildSeconds.toFixed(1)} s | ${formatMs(peer.latency.p50Ms)} | ${formatMs(peer.latency.p99Ms)} | ${ratio} | ${formatMiB(peer.rssGrowthMiB)} | ${formatMiB(peer.heapGrowthMiB)} |`,
    );
  }
  return lines.join("\n");
}

function renderRelevance(peers: PeerReport): string {
  const intro = [
    "### Relevance on Cranfield",
    "",
  ];
  if (peers.relevanceSkipped !== null) return [...intro, `Not measured: ${peers.relevanceSkipped}.`].join("\n");
  const lines = [
    ...intro,
    "The Cranfield collection (1,400 aeronautics abstracts, 225 queries with graded judgments) is indexed as posts, title plus abstract.",
    "Each implementation returns its top 100 for every query. nDCG@10 uses the gain 5 - grade (grade 1, most relevant, gains 4; grade 4,",
    "of minimal interest, gains 1); recall@100 counts grades 1-3 as relevant. Means are over the judged queries. Build time for the engine",
    "is import plus queue drain on SQLite.",
    "",
    "| implementation | build | queries | nDCG@10 | recall@100 |",
    "|---|---:|---:|---:|---:|",
  ];
  for (const figure of peers.relevance) {
    lines.push(`| ${figure.name} | ${figure.buildSeconds.toFixed(2)} s | ${figure.queries} | ${figure.ndcgAt10.toFixed(3)} | ${figure.recallAt100.toFixed(3)} |`);
  }
  return lines.join("\n");
}
