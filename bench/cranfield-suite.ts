/**
 * Relevance on the Cranfield collection. The engine and each peer index the
 * 1,400 documents (title and abstract) and run the 225 queries, and each
 * ranking is scored by nDCG@10 and recall@100 (relevance-metrics.ts).
 */
import { pino } from "pino";

import { openEngine, type Engine } from "../src/engine.js";
import { importPost } from "../src/sources/import-posts.js";
import { toId } from "../src/store/rows.js";
import { createSqliteBenchDatabase } from "./bench-databases.js";
import { readCranfield, type CranfieldCollection } from "./cranfield-collection.js";
import { readPeerDocuments } from "./peer.js";
import { createPeers } from "./peer-latency.js";
import { ndcgAt, recallAt } from "./relevance-metrics.js";
import type { RelevanceFigure } from "./results.js";
import { drainQueue } from "./search-bench.js";
import { mean } from "./stats.js";

const RECALL_DEPTH = 100;
const NDCG_DEPTH = 10;

type Ranker = (query: string) => Promise<string[]>;

export async function runCranfieldSuite(dir: string, progress: (line: string) => void): Promise<RelevanceFigure[]> {
  const collection = readCranfield(dir);
  progress(`cranfield: ${collection.documents.length} documents, ${collection.queries.length} queries`);
  const database = await createSqliteBenchDatabase();
  const engine = await openEngine({ dbUrl: database.url, prefix: "wp_", log: pino({ level: "silent" }), createSchema: true });
  try {
    return await rankAll(engine, collection, progress);
  } finally {
    await engine.close();
    await database.drop();
  }
}

async function rankAll(engine: Engine, collection: CranfieldCollection, progress: (line: string) => void): Promise<RelevanceFigure[]> {
  const started = performance.now();
  for (const doc of collection.documents) {
    await importPost(engine.db, { source: `cranfield:${doc.id}`, title: doc.title, url: `https://example.com/cranfield/${doc.id}`, content: doc.abstract });
  }
  await drainQueue(engine, collection.documents.length);
  const engineBuild = (performance.now() - started) / 1000;
  const documentOf = await readDocumentIds(engine);
  const toDocuments = (postIds: readonly string[]): string[] => postIds.map((postId) => documentOf.get(postId) ?? "");

  const engineRanker: Ranker = async (query) =>
    toDocuments((await engine.searcher.search({ query, k: RECALL_DEPTH })).results.map((result) => result.id));
  const figures = [scoreRanking("wpllmseo (this engine)", engineBuild, collection, await rankQueries(engineRanker, collection))];
  const documents = await readPeerDocuments(engine.db);
  for (const peer of createPeers(engine)) {
    const buildStarted = performance.now();
    await peer.build(documents);
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const rankings = await rankQueries(async (query) => toDocuments(await peer.search(query, RECALL_DEPTH)), collection);
    figures.push(scoreRanking(peer.name, buildSeconds, collection, rankings));
  }
  for (const figure of figures) progress(`cranfield ${figure.name}: nDCG@10 ${figure.ndcgAt10.toFixed(3)}, recall@100 ${figure.recallAt100.toFixed(3)}`);
  return figures;
}

async function rankQueries(ranker: Ranker, collection: CranfieldCollection): Promise<Map<string, string[]>> {
  const rankings = new Map<string, string[]>();
  for (const query of collection.queries) rankings.set(query.id, await ranker(query.text));
  return rankings;
}

function scoreRanking(name: string, buildSeconds: number, collection: CranfieldCollection, rankings: Map<string, string[]>): RelevanceFigure {
  const ndcg: number[] = [];
  const recall: number[] = [];
  for (const [queryId, grades] of collection.judgments) {
    const ranked = rankings.get(queryId);
    if (!ranked) continue;
    ndcg.push(ndcgAt(ranked, grades, NDCG_DEPTH));
    const value = recallAt(ranked, grades, RECALL_DEPTH);
    if (!Number.isNaN(value)) recall.push(value);
  }
  return { name, buildSeconds, queries: ndcg.length, ndcgAt10: mean(ndcg), recallAt100: mean(recall) };
}

/** Maps each post id to its Cranfield document id, from the source the import stored. */
async function readDocumentIds(engine: Engine): Promise<Map<string, string>> {
  const rows = await engine.db.query(`SELECT id, source FROM ${engine.db.tables.posts}`);
  return new Map(rows.map((row) => [toId(row.id), String(row.source).replace(/^cranfield:/, "")]));
}
