/**
 * The tasks that run on the Piscina worker threads. Each thread compiles the
 * WASM kernels once, when it loads this module, and keeps them.
 *
 * Typed arrays in results are transferred back, not copied.
 */
import { Piscina, workerData } from "piscina";

import type { StopWordSetting } from "../embedders/embedder.js";
import { vectorChecksum } from "../embedders/vector-codec.js";
import { DEFAULT_CHUNK_OPTIONS, chunkText, type ChunkOptions } from "../indexer/chunk-text.js";
import { scoreTokens, type ScoredToken } from "../indexer/score-tokens.js";
import { toPlainText } from "../indexer/plain-text.js";
import { loadKernelsSync, type KernelFlavor } from "../kernels/index.js";
import { instantiateInt8Scan, type Int8ScanExports, type SharedWasmMemory } from "../kernels/int8-scan.js";
import { scanScratchLayout } from "./scan-layout.js";

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

export interface PreparePostInput {
  title: string;
  content: string;
  stopWords: StopWordSetting;
  /** Maximum length of one embedding input (title, blank line, chunk) in UTF-16 code units. */
  maxInputChars: number;
}

export interface PreparedChunk {
  text: string;
  tokenCount: number;
  /** The text sent to the embedding model: the title, a blank line and the chunk. */
  input: string;
}

export interface PreparePostOutput {
  chunks: PreparedChunk[];
  tokens: ScoredToken[];
}

interface SplitPost {
  titleTokens: string[];
  chunks: { text: string; tokens: string[] }[];
  tokens: ScoredToken[];
}

/** Chunks and tokenizes one post and scores its tokens for the token table. */
function splitPost(title: string, content: string, stopWords: StopWordSetting, chunkOptions: ChunkOptions): SplitPost {
  const options = { stopWords };
  const titleTokens = kernels.tokenize(escapeMarkup(title), options);
  const bodyTokens: string[] = [];
  const chunks = chunkText(toPlainText(content), chunkOptions).map((text) => {
    const tokens = kernels.tokenize(escapeMarkup(text), options);
    bodyTokens.push(...tokens);
    return { text, tokens };
  });
  return { titleTokens, chunks, tokens: scoreTokens(titleTokens, bodyTokens) };
}

/** Chunks, tokenizes and embeds one post; the title is embedded with every chunk. */
export function embedPost(input: EmbedPostInput): EmbedPostOutput {
  const split = splitPost(input.title, input.content, input.stopWords, DEFAULT_CHUNK_OPTIONS);
  const { titleTokens } = split;
  const chunks: EmbeddedChunk[] = split.chunks.map(({ text, tokens }) => {
    const vector = kernels.hashEmbed([...titleTokens, ...tokens], input.dim);
    return { text, tokenCount: tokens.length, vector, checksum: vectorChecksum(vector) };
  });
  if (chunks.length === 0 && titleTokens.length > 0) {
    const vector = kernels.hashEmbed(titleTokens, input.dim);
    chunks.push({ text: input.title, tokenCount: 0, vector, checksum: vectorChecksum(vector) });
  }

  const output = { chunks, tokens: split.tokens };
  return withTransfer(output, chunks.map((chunk) => chunk.vector.buffer));
}

/**
 * Chunks and tokenizes one post for an embedder outside the pool. Chunks are
 * cut so that each input, the title (at most a quarter of the limit) plus a
 * blank line plus the chunk, fits `maxInputChars` UTF-16 code units.
 */
export function preparePost(input: PreparePostInput): PreparePostOutput {
  // Code points, so a cut never splits a surrogate pair; each takes at most two code units.
  const title = Array.from(input.title.trim()).slice(0, Math.floor(input.maxInputChars / 8)).join("");
  const prefix = title === "" ? "" : `${title}\n\n`;
  const maxChars = input.maxInputChars - prefix.length;
  const split = splitPost(input.title, input.content, input.stopWords, { ...DEFAULT_CHUNK_OPTIONS, maxChars });
  const chunks = split.chunks.map(({ text, tokens }) => ({ text, tokenCount: tokens.length, input: `${prefix}${text}` }));
  if (chunks.length === 0 && split.titleTokens.length > 0) {
    const wholeTitle = Array.from(input.title.trim()).slice(0, input.maxInputChars / 2).join("");
    chunks.push({ text: input.title, tokenCount: 0, input: wholeTitle });
  }
  return { chunks, tokens: split.tokens };
}

export interface ScanSegment {
  rows: number;
  factors: number;
  posts: number;
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
  /** Post ordinals the per-post arrays cover; every row's ordinal is below it. */
  postCount: number;
  /** Address of a scratch block laid out by scanScratchLayout (scan-layout.ts). */
  scratch: number;
}

export interface ScanVectorsOutput {
  /** Slots of the best rows, best first, and their scores. */
  slots: Int32Array;
  scores: Float32Array;
}

let scan: Int8ScanExports | undefined;

/**
 * Scans the given segments of the shared int8 vector rows for the k best
 * scores, in WASM on this thread. Each post's best score and slot over the
 * segments stay in the scratch block's post arrays, -Infinity and -1 for a
 * post with no row there.
 */
export function scanVectors(input: ScanVectorsInput): ScanVectorsOutput {
  const memory = (workerData as { vectorMemory?: SharedWasmMemory } | undefined)?.vectorMemory;
  if (!memory) throw new Error("scanVectors needs a pool created with a vector memory.");
  scan ??= instantiateInt8Scan(memory);

  const { stride, k, postCount } = input;
  const layout = scanScratchLayout(input.scratch, stride, k, postCount);
  new Int8Array(memory.buffer, layout.query, stride).set(input.query);
  new Float32Array(memory.buffer, layout.postScores, postCount).fill(-Infinity);
  new Int32Array(memory.buffer, layout.postSlots, postCount).fill(-1);

  let size = 0;
  for (const segment of input.segments) {
    size = scan.scanTopK(
      layout.query,
      input.queryFactor,
      stride,
      segment.rows,
      segment.factors,
      segment.posts,
      segment.count,
      segment.firstSlot,
      k,
      layout.heapScores,
      layout.heapIndexes,
      size,
      layout.postScores,
      layout.postSlots,
    );
  }
  const best = sortHeap(
    new Float32Array(memory.buffer, layout.heapScores, size),
    new Int32Array(memory.buffer, layout.heapIndexes, size),
  );
  return withTransfer(best, [best.slots.buffer, best.scores.buffer]);
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
