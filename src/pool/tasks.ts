/**
 * The tasks that run on the Piscina worker threads. Each thread compiles the
 * WASM kernels once, when it loads this module, and keeps them.
 *
 * Typed arrays in results are transferred back, not copied.
 */
import { createHash } from "node:crypto";

import { Piscina } from "piscina";

import { DEFAULT_CHUNK_OPTIONS, chunkText } from "../indexer/chunk-text.js";
import { scoreTokens, type ScoredToken } from "../indexer/score-tokens.js";
import { toPlainText } from "../indexer/plain-text.js";
import { loadKernelsSync, type KernelFlavor } from "../kernels/index.js";

const flavor = (process.env.WPLLMSEO_KERNELS ?? "simd") as KernelFlavor;
const kernels = loadKernelsSync(flavor);

export interface EmbedPostInput {
  title: string;
  content: string;
  dim: number;
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
  const titleTokens = kernels.tokenize(escapeMarkup(input.title));
  const bodyTokens: string[] = [];
  const chunks: EmbeddedChunk[] = [];

  for (const text of chunkText(body, DEFAULT_CHUNK_OPTIONS)) {
    const chunkTokens = kernels.tokenize(escapeMarkup(text));
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

export interface ScoreRowsInput {
  query: Float32Array;
  /** Candidate vectors, `query.length` floats each, back to back. */
  rows: Float32Array;
  /** Expected SHA-256 hex of each row's little-endian float32 bytes; "" skips the check. */
  checksums: string[];
  /** SHA-256 implementation for the checks; default "node". */
  checksumKernel?: "node" | "wasm";
}

export interface ScoreRowsOutput {
  /** Cosine per row; rows that failed verification score 0. */
  scores: Float32Array;
  /** Indexes of rows whose bytes did not match their checksum. */
  corrupt: number[];
}

/**
 * Verifies each candidate row's checksum, then scores all rows in one batch
 * in WASM. node:crypto computes the SHA-256 by default because it runs about
 * 3x faster than the WASM SHA-256 on a 1,536-byte vector (docs/BENCHMARKS.md);
 * `checksumKernel: "wasm"` selects the WASM one.
 */
export function scoreRows(input: ScoreRowsInput): ScoreRowsOutput {
  const dim = input.query.length;
  const hashHex = input.checksumKernel === "wasm" ? kernels.sha256Hex : nodeSha256Hex;
  const corrupt: number[] = [];
  for (let row = 0; row < input.checksums.length; row++) {
    const expected = input.checksums[row];
    if (!expected) continue;
    const bytes = new Uint8Array(input.rows.buffer, input.rows.byteOffset + row * dim * 4, dim * 4);
    if (hashHex(bytes) !== expected) corrupt.push(row);
  }

  const scores = kernels.cosineBatch(input.query, input.rows);
  for (const row of corrupt) scores[row] = 0;
  return withTransfer({ scores, corrupt }, [scores.buffer]);
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

function nodeSha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function checksumOf(vector: Float32Array): string {
  return kernels.sha256Hex(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
}
