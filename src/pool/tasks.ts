/**
 * The tasks that run on the Piscina worker threads. Each thread compiles the
 * WASM kernels once, when it loads this module, and keeps them.
 *
 * Typed arrays in results are transferred back, not copied.
 */
import { Piscina, workerData } from "piscina";

import type { StopWordSetting } from "../embedders/embedder.js";
import { sha256Hex } from "../embedders/sha256.js";
import { DEFAULT_CHUNK_OPTIONS, chunkText } from "../indexer/chunk-text.js";
import { scoreTokens, type ScoredToken } from "../indexer/score-tokens.js";
import { toPlainText } from "../indexer/plain-text.js";
import { loadKernelsSync, type KernelFlavor } from "../kernels/index.js";
import { instantiateInt8Scan, type Int8ScanExports, type SharedWasmMemory } from "../kernels/int8-scan.js";

const flavor = (process.env.WPLLMSEO_KERNELS ?? "simd") as KernelFlavor;
const kernels = loadKernelsSync(flavor);

export interface EmbedPostInput {
  title: string;
  content: string;
  dim: number;
  stopWords: StopWordSetting;
}

export interface EmbeddedChunk {
  text: string;
  tokenCount: number;
  vector: Float32Array;
  checksum: string;
}

export interface EmbedPostOutput {
  chunks: EmbeddedChunk[];
  tokens: ScoredToken[];
}

/** Chunks, tokenizes and embeds one post; the title is embedded with every chunk. */
export function embedPost(input: EmbedPostInput): EmbedPostOutput {
  const body = toPlainText(input.content);
  const options = { stopWords: input.stopWords };
  const titleTokens = kernels.tokenize(escapeMarkup(input.title), options);
  const bodyTokens: string[] = [];
  const chunks: EmbeddedChunk[] = [];

  for (const text of chunkText(body, DEFAULT_CHUNK_OPTIONS)) {
    const chunkTokens = kernels.tokenize(escapeMarkup(text), options);
    bodyTokens.push(...chunkTokens);
    const vector = kernels.hashEmbed([...titleTokens, ...chunkTokens], input.dim);
    chunks.push({ text, tokenCount: chunkTokens.length, vector, checksum: checksumOf(vector) });
  }
  if (chunks.length === 0 && titleTokens.length > 0) {
    const vector = kernels.hashEmbed(titleTokens, input.dim);
    chunks.push({ text: input.title, tokenCount: 0, vector, checksum: checksumOf(vector) });
  }

  const output = { chunks, tokens: scoreTokens(titleTokens, bodyTokens) };
  return withTransfer(output, chunks.map((chunk) => chunk.vector.buffer));
}

export interface ScanSegment {
  rows: number;
  factors: number;
  count: number;
  firstSlot: number;
}

export interface ScanVectorsInput {
  /** The quantized query, `stride` values. */
  query: Int8Array;
  queryFactor: number;
  stride: number;
  segments: ScanSegment[];
  /** Best rows to return from the segments. */
  k: number;
  /** Address of a scratch block of at least scanScratchBytes(stride, k, rowList length) bytes (scan-layout.ts). */
  scratch: number;
  /** Rows scored one by one, by address, whether or not they are among the best. */
  rowList?: { rows: Uint32Array; factors: Uint32Array };
}

export interface ScanVectorsOutput {
  /** Slots of the best rows, best first, and their scores. */
  slots: Int32Array;
  scores: Float32Array;
  /** Scores of the rowList rows, in its order. */
  listScores: Float32Array;
}

let scan: Int8ScanExports | undefined;

/**
 * Scans the given segments of the shared int8 vector rows for the k best
 * scores, and scores the rows of `rowList`, in WASM on this thread.
 */
export function scanVectors(input: ScanVectorsInput): ScanVectorsOutput {
  const memory = (workerData as { vectorMemory?: SharedWasmMemory } | undefined)?.vectorMemory;
  if (!memory) throw new Error("scanVectors needs a pool created with a vector memory.");
  scan ??= instantiateInt8Scan(memory);

  const { stride, k, scratch } = input;
  const heapScores = scratch + stride;
  const heapIndexes = heapScores + k * 4;
  new Int8Array(memory.buffer, scratch, stride).set(input.query);

  let size = 0;
  for (const segment of input.segments) {
    size = scan.scanTopK(scratch, input.queryFactor, stride, segment.rows, segment.factors, segment.count, segment.firstSlot, k, heapScores, heapIndexes, size);
  }
  const best = sortHeap(new Float32Array(memory.buffer, heapScores, size), new Int32Array(memory.buffer, heapIndexes, size));
  const listScores = scoreRowList(scan, memory, input, heapIndexes + k * 4);
  return withTransfer({ ...best, listScores }, [best.slots.buffer, best.scores.buffer, listScores.buffer]);
}

function scoreRowList(scan: Int8ScanExports, memory: SharedWasmMemory, input: ScanVectorsInput, at: number): Float32Array {
  const count = input.rowList?.rows.length ?? 0;
  if (!input.rowList || count === 0) return new Float32Array(0);
  const rowPointers = at;
  const factorPointers = at + count * 4;
  const out = at + count * 8;
  new Uint32Array(memory.buffer, rowPointers, count).set(input.rowList.rows);
  new Uint32Array(memory.buffer, factorPointers, count).set(input.rowList.factors);
  scan.scoreRowList(input.scratch, input.queryFactor, input.stride, rowPointers, factorPointers, count, out);
  return new Float32Array(memory.buffer, out, count).slice();
}

/** Copies a heap out of shared memory, best score first. */
function sortHeap(scores: Float32Array, indexes: Int32Array): { slots: Int32Array; scores: Float32Array } {
  const order = Array.from(scores.keys()).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  return {
    slots: Int32Array.from(order, (i) => indexes[i] as number),
    scores: Float32Array.from(order, (i) => scores[i] as number),
  };
}

/**
 * Marks `buffers` for transfer to the main thread instead of a copy. Piscina
 * sends the object under `valueSymbol` with `transferableSymbol` as the
 * transfer list once `move` has marked the wrapper, so the caller receives
 * `value` itself.
 */
function withTransfer<T>(value: T, buffers: ArrayBufferLike[]): T {
  const wrapped = {
    [Piscina.transferableSymbol]: buffers,
    [Piscina.valueSymbol]: value,
  };
  return Piscina.move(wrapped as never) as unknown as T;
}

/**
 * Escapes plain text for the tokenizer, which strips markup: without this a
 * title such as "Tips <Guide>" would lose "Guide" as if it were a tag.
 */
function escapeMarkup(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll("[", "&#91;");
}

/** Returns the SHA-256 of the vector's float32 bytes, the checksum stored with it. */
function checksumOf(vector: Float32Array): string {
  return sha256Hex(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
}
