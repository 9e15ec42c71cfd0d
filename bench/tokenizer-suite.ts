/**
 * Tokenizing a 5 KB HTML post (markup, character references and shortcodes
 * removed, stop words dropped): WASM against the TypeScript reference.
 */
import { loadKernels, referenceKernels } from "../src/kernels/index.js";
import { runMicroSuite, type SampleSettings } from "./micro-suite.js";
import { buildSamplePost, resolveReadme } from "./sample-post.js";
import type { SuiteFigure } from "./results.js";

export async function runTokenizerSuite(settings: SampleSettings, progress: (line: string) => void): Promise<SuiteFigure> {
  const kernels = await loadKernels("simd");
  const html = buildSamplePost(resolveReadme("better-sqlite3"));
  const bytes = Buffer.byteLength(html);
  const tokens = kernels.tokenize(html).length;
  progress(`tokenizer: ${bytes.toLocaleString("en-US")}-byte HTML post, ${tokens} tokens`);
  return runMicroSuite(
    {
      suite: "tokenizer",
      title: `Tokenizer, ${bytes.toLocaleString("en-US")}-byte HTML post (${tokens} tokens out)`,
      operation: "tokenize one post",
      baseline: "reference (TS)",
      cases: [
        { name: "WASM", fn: () => kernels.tokenize(html), bytesPerOp: bytes },
        { name: "reference (TS)", fn: () => referenceKernels.tokenize(html), bytesPerOp: bytes },
      ],
    },
    settings,
    progress,
  );
}
