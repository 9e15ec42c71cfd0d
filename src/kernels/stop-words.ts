// English stop words dropped by the tokenizer. assembly/stop-words.ts
// contains the same list, and a test checks that the two are equal. Short
// words that carry meaning in technical text, such as "ai", "js", "go" and
// "us", are deliberately absent.
export const STOP_WORDS: readonly string[] = [
  "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
  "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
  "between", "both", "but", "by", "can", "could", "did", "do", "does", "down",
  "during", "each", "few", "for", "from", "further", "had", "has", "have", "he",
  "her", "here", "him", "his", "how", "if", "in", "into", "is", "it",
  "its", "just", "may", "me", "might", "more", "most", "must", "my", "no",
  "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our",
  "out", "over", "own", "same", "shall", "she", "should", "so", "some", "such",
  "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
  "those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
  "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
  "with", "would", "you", "your",
];

const STOP_WORD_SET: ReadonlySet<string> = new Set(STOP_WORDS);

/** Returns whether a lower-case token is a stop word. */
export function isStopWord(token: string): boolean {
  return STOP_WORD_SET.has(token);
}
