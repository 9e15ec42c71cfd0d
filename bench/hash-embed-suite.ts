/**
 * The feature-hashing embedder: 200 tokens of the sample post into one
 * 384-d L2-normalized vector, WASM against the TypeScript reference.
 */
import { loadKernels, referenceKernels } from "../src/kernels/index.js";
import { runMicroSuite, type SampleSettings } from "./micro-suite.js";
import { buildSamplePost, resolveReadme } from "./sample-post.js";
import type { SuiteFigure } from "./results.js";

const EMBED_TOKENS = 200;
const EMBED_DIM = 384;

export async function runHashEmbedSuite(settings: SampleSettings, progress: (line: string) => void): Promise<SuiteFigure> {
  const kernels = await loadKernels("simd");
  const html = buildSamplePost(resolveReadme("better-sqlite3"));
  const tokens = kernels.tokenize(html).slice(0, EMBED_TOKENS);
  if (tokens.length < EMBED_TOKENS) {
    throw new Error(`The sample post has ${tokens.length} tokens, expected at least ${EMBED_TOKENS}.`);
  }
  progress(`hash embedder: ${EMBED_TOKENS} tokens -> ${EMBED_DIM}-d`);
  return runMicroSuite(
    {
      suite: "hash-embed",
      title: `Hash embedder, ${EMBED_TOKENS} tokens -> ${EMBED_DIM}-d`,
      operation: `embed ${EMBED_TOKENS} tokens`,
      baseline: "reference (TS)",
      cases: [
        { name: "WASM", fn: () => kernels.hashEmbed(tokens, EMBED_DIM) },
        { name: "reference (TS)", fn: () => referenceKernels.hashEmbed(tokens, EMBED_DIM) },
      ],
    },
    settings,
    progress,
  );
}
