/**
 * A deterministic synthetic corpus: posts and queries drawn from a ranked
 * vocabulary with Zipf-distributed word frequencies.
 */
import { isStopWord } from "../src/kernels/stop-words.js";
import type { SourcePost } from "../src/sources/source-post.js";
import { SeededRandom, ZipfSampler } from "./random.js";

/** Zipf exponent, about 1 for English text. */
const ZIPF_EXPONENT = 1.0;
/** Median body length in words. Lengths are lognormal around it. */
const MEDIAN_POST_WORDS = 300;
const POST_WORDS_SIGMA = 0.5;
const MIN_POST_WORDS = 40;
const MAX_POST_WORDS = 3000;

export interface CorpusOptions {
  posts: number;
  seed: number;
}

/** Generates `options.posts` HTML posts: a 4-8 word title and paragraphs of 30-90 words. */
export function generatePosts(vocabulary: readonly string[], options: CorpusOptions): SourcePost[] {
  const random = new SeededRandom(options.seed);
  const zipf = new ZipfSampler(vocabulary.length, ZIPF_EXPONENT);
  const drawWords = (count: number): string[] =>
    Array.from({ length: count }, () => vocabulary[zipf.sample(random)] as string);

  const posts: SourcePost[] = [];
  for (let index = 0; index < options.posts; index++) {
    const title = capitalize(drawWords(random.integer(4, 8)).join(" "));
    const length = postLength(random);
    const paragraphs: string[] = [];
    for (let written = 0; written < length; ) {
      const size = Math.min(random.integer(30, 90), length - written);
      paragraphs.push(`<p>${capitalize(drawWords(size).join(" "))}.</p>`);
      written += size;
    }
    posts.push({
      source: `bench:post-${index}`,
      title,
      url: `https://example.com/bench/post-${index}`,
      content: paragraphs.join("\n"),
    });
  }
  return posts;
}

/**
 * Generates `count` queries of 2-4 words from the same Zipf distribution.
 * Stop words are redrawn, because the tokenizer drops them and a query of
 * only stop words selects nothing.
 */
export function generateQueries(vocabulary: readonly string[], count: number, seed: number): string[] {
  const random = new SeededRandom(seed);
  const zipf = new ZipfSampler(vocabulary.length, ZIPF_EXPONENT);
  const queries: string[] = [];
  for (let index = 0; index < count; index++) {
    const words: string[] = [];
    const size = random.integer(2, 4);
    while (words.length < size) {
      const word = vocabulary[zipf.sample(random)] as string;
      if (!isStopWord(word)) words.push(word);
    }
    queries.push(words.join(" "));
  }
  return queries;
}

function postLength(random: SeededRandom): number {
  const words = Math.round(MEDIAN_POST_WORDS * Math.exp(POST_WORDS_SIGMA * random.normal()));
  return Math.min(MAX_POST_WORDS, Math.max(MIN_POST_WORDS, words));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
