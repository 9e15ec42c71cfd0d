/**
 * Splits plain text into overlapping chunks of whole words.
 *
 * A chunk is the unit that gets one embedding vector and one excerpt in
 * search results. Paragraph breaks are preferred as chunk boundaries: a chunk
 * closes at the last paragraph end past half its size when there is one.
 */
export interface ChunkOptions {
  /** Maximum words in one chunk. */
  maxWords: number;
  /** Words repeated from the end of one chunk at the start of the next. */
  overlapWords: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxWords: 200, overlapWords: 30 };

const PARAGRAPH_END = "\u2029";

export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): string[] {
  const { maxWords, overlapWords } = options;
  if (!Number.isInteger(maxWords) || maxWords < 1) {
    throw new RangeError(`Invalid maxWords ${maxWords}: use a whole number of at least 1.`);
  }
  if (!Number.isInteger(overlapWords) || overlapWords < 0 || overlapWords >= maxWords) {
    throw new RangeError(
      `Invalid overlapWords ${overlapWords}: use a whole number from 0 to maxWords - 1 (${maxWords - 1}).`,
    );
  }

  const words = splitWords(text);
  const chunks: string[] = [];
  let start = 0;
  while (start < words.length) {
    const end = chooseChunkEnd(words, start, maxWords);
    chunks.push(joinWords(words.slice(start, end)));
    if (end >= words.length) break;
    start = Math.max(end - overlapWords, start + 1);
  }
  return chunks;
}

/** Splits into words; a word that ends a paragraph carries PARAGRAPH_END. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const parts = paragraph.split(/\s+/).filter((word) => word.length > 0);
    if (parts.length === 0) continue;
    parts[parts.length - 1] += PARAGRAPH_END;
    for (const part of parts) words.push(part);
  }
  return words;
}

function chooseChunkEnd(words: string[], start: number, maxWords: number): number {
  const limit = Math.min(start + maxWords, words.length);
  if (limit === words.length) return limit;
  for (let end = limit; end > start + maxWords / 2; end--) {
    if (words[end - 1]?.endsWith(PARAGRAPH_END)) return end;
  }
  return limit;
}

function joinWords(words: string[]): string {
  return words
    .join(" ")
    .replaceAll(`${PARAGRAPH_END} `, "\n\n")
    .replaceAll(PARAGRAPH_END, "");
}
