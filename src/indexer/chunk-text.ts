/**
 * Splits plain text into overlapping chunks of whole words.
 *
 * A chunk is the unit that gets one embedding vector and one excerpt in
 * search results. Paragraph breaks are preferred as chunk boundaries: a chunk
 * closes at the last paragraph end past half its size when there is one.
 * With `maxChars`, a chunk also closes before it would exceed that many
 * UTF-16 code units, and a longer word is cut into pieces, so every chunk
 * fits an embedding model's input limit.
 */
export interface ChunkOptions {
  /** Maximum words in one chunk. */
  maxWords: number;
  /** Words repeated from the end of one chunk at the start of the next. */
  overlapWords: number;
  /** Maximum length of one chunk in UTF-16 code units; default: no limit. */
  maxChars?: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxWords: 200, overlapWords: 30 };

const PARAGRAPH_END = "\u2029";

export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): string[] {
  const { maxWords, overlapWords, maxChars = Number.POSITIVE_INFINITY } = options;
  if (!Number.isInteger(maxWords) || maxWords < 1) {
    throw new RangeError(`Invalid maxWords ${maxWords}: use a whole number of at least 1.`);
  }
  if (!Number.isInteger(overlapWords) || overlapWords < 0 || overlapWords >= maxWords) {
    throw new RangeError(
      `Invalid overlapWords ${overlapWords}: use a whole number from 0 to maxWords - 1 (${maxWords - 1}).`,
    );
  }
  if (maxChars !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxChars) || maxChars < 2)) {
    throw new RangeError(`Invalid maxChars ${maxChars}: use a whole number of at least 2.`);
  }

  const words = splitWords(text, maxChars);
  const chunks: string[] = [];
  let start = 0;
  while (start < words.length) {
    const end = chooseChunkEnd(words, start, maxWords, maxChars);
    chunks.push(joinWords(words.slice(start, end)));
    if (end >= words.length) break;
    // The overlap never exceeds half the chunk, so chunks that the
    // character limit closes early still move through the text.
    const overlap = Math.min(overlapWords, Math.floor((end - start) / 2));
    start = Math.max(end - overlap, start + 1);
  }
  return chunks;
}

/**
 * Splits into words; a word that ends a paragraph carries PARAGRAPH_END,
 * which counts as one character like the space or line break it becomes.
 * Words longer than `maxChars` are cut into pieces of at most that length.
 */
function splitWords(text: string, maxChars: number): string[] {
  const words: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const parts = paragraph.split(/\s+/).filter((word) => word.length > 0).flatMap((word) => cutWord(word, maxChars - 1));
    if (parts.length === 0) continue;
    parts[parts.length - 1] += PARAGRAPH_END;
    for (const part of parts) words.push(part);
  }
  return words;
}

/** Cuts a word into pieces of at most `maxLength` code units, never inside a surrogate pair. */
function cutWord(word: string, maxLength: number): string[] {
  if (word.length <= maxLength) return [word];
  const pieces: string[] = [];
  let piece = "";
  for (const character of word) {
    if (piece.length > 0 && piece.length + character.length > maxLength) {
      pieces.push(piece);
      piece = "";
    }
    piece += character;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

function chooseChunkEnd(words: string[], start: number, maxWords: number, maxChars: number): number {
  let limit = Math.min(start + maxWords, words.length);
  // Joined length: every word plus one space before each word after the first.
  let length = (words[start] as string).length;
  for (let end = start + 1; end < limit; end++) {
    length += 1 + (words[end] as string).length;
    if (length > maxChars) {
      limit = end;
      break;
    }
  }
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
