// Argument checks shared by the WASM kernels and the reference kernels, so
// that both reject the same inputs with the same errors.
import type { StopWordLanguage } from "./stop-words.js";
import type { TokenizeOptions } from "./types.js";

/** Default number of dimensions of the hashing embedder. */
export const DEFAULT_EMBED_DIM = 384;

/** Upper bound on embedding dimensions, which keeps one vector within 256 KiB. */
export const MAX_EMBED_DIM = 65_536;

/** Validates cosineBatch arguments and returns the row width and the row count. */
export function validateCosineArguments(
  query: Float32Array,
  rows: Float32Array,
  out: Float32Array | undefined,
): { dim: number; count: number } {
  if (!(query instanceof Float32Array)) throw new TypeError("query must be a Float32Array");
  if (!(rows instanceof Float32Array)) throw new TypeError("rows must be a Float32Array");
  const dim = query.length;
  if (dim === 0) throw new RangeError("query is empty, but cosineBatch needs a query of at least 1 element");

  if (rows.length % dim !== 0) {
    throw new RangeError(`rows length ${rows.length} is not a multiple of the query length ${dim}`);
  }

  const count = rows.length / dim;
  if (out !== undefined && !(out instanceof Float32Array)) throw new TypeError("out must be a Float32Array");
  if (out !== undefined && out.length !== count) {
    throw new RangeError(`out length ${out.length} does not match the row count ${count} (rows length ${rows.length} / dim ${dim})`);
  }
  return { dim, count };
}

/** Validates the input of sha256. */
export function validateBytes(data: Uint8Array): void {
  if (!(data instanceof Uint8Array)) throw new TypeError("data must be a Uint8Array");
}

/** Validates the input of tokenize. */
export function validateText(text: string): void {
  if (typeof text !== "string") throw new TypeError(`text must be a string, got ${typeof text}`);
}

const STOP_WORD_CHOICES: ReadonlyArray<StopWordLanguage | "none"> = ["en", "de", "none"];

/** Validates the options of tokenize and returns the stop word list to use. */
export function validateTokenizeOptions(options: TokenizeOptions | undefined): StopWordLanguage | "none" {
  if (options === undefined) return "en";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`tokenize options must be an object, got ${options === null ? "null" : typeof options}`);
  }

  const stopWords = options.stopWords ?? "en";
  if (!STOP_WORD_CHOICES.includes(stopWords)) {
    throw new RangeError(`invalid stopWords option "${String(stopWords)}", expected "en", "de" or "none"`);
  }
  return stopWords;
}

/** Validates hashEmbed arguments. U+0000 separates tokens at the WASM boundary, so tokens may not contain it. */
export function validateEmbedArguments(tokens: readonly string[], dim: number): void {
  if (!Array.isArray(tokens)) throw new TypeError("tokens must be an array of strings");
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_EMBED_DIM) {
    throw new RangeError(`invalid dim ${dim}, expected an integer from 1 to ${MAX_EMBED_DIM}`);
  }

  tokens.forEach((token, index) => {
    if (typeof token !== "string") throw new TypeError(`token ${index} must be a string, got ${typeof token}`);
    if (token.includes("\u0000")) throw new RangeError(`token ${index} contains U+0000, which tokens must not contain`);
  });
}
