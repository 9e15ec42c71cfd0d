/**
 * Peers side by side on the synthetic corpus. Each builds its index from the
 * posts the engine indexed, then runs the engine's warm-up and timed
 * queries one at a time. Memory is read after a garbage collection before
 * and after each build, while only that peer's index is alive.
 */
import type { Engine } from "../src/engine.js";
import { readMemory } from "./memory.js";
import { readPeerDocuments, type Peer } from "./peer.js";
import { createMiniSearchPeer } from "./peer-minisearch.js";
import { createOramaPeer } from "./peer-orama.js";
import { createPhpScanPeer } from "./peer-php-scan.js";
import type { PeerFigure } from "./results.js";
import type { SearchWorkload } from "./search-bench.js";
import { summarizeLatency } from "./stats.js";

const K = 10;

export function createPeers(engine: Engine): Peer[] {
  return [createPhpScanPeer(engine), createOramaPeer(engine.kernels, engine.embedder.dim), createMiniSearchPeer()];
}

export async function measurePeerLatency(
  engine: Engine,
  workload: SearchWorkload,
  progress: (line: string) => void,
): Promise<PeerFigure[]> {
  const documents = await readPeerDocuments(engine.db);
  const figures: PeerFigure[] = [];
  for (const peer of createPeers(engine)) {
    const before = readMemory();
    const started = performance.now();
    await peer.build(documents);
    const buildSeconds = (performance.now() - started) / 1000;
    const after = readMemory();

    for (const query of workload.warmupQueries) await peer.search(query, K);
    const latencies: number[] = [];
    for (const query of workload.queries) {
      const queryStarted = performance.now();
      await peer.search(query, K);
      latencies.push(performance.now() - queryStarted);
    }
    const figure: PeerFigure = {
      name: peer.name,
      method: peer.method,
      buildSeconds,
      latency: summarizeLatency(latencies),
      rssGrowthMiB: after.rssMiB - before.rssMiB,
      heapGrowthMiB: after.heapUsedMiB - before.heapUsedMiB,
    };
    progress(`peer ${peer.name}: build ${buildSeconds.toFixed(2)} s, p50 ${figure.latency.p50Ms.toFixed(2)} ms`);
    figures.push(figure);
  }
  return figures;
}
