// English stop words dropped by the tokenizer. src/kernels/stop-words.ts
// contains the same list, and a test checks that the two are equal.
const STOP_WORD_LIST: StaticArray<string> = [
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

const STOP_WORDS = new Set<string>();
for (let i = 0; i < STOP_WORD_LIST.length; i++) STOP_WORDS.add(STOP_WORD_LIST[i]);

/** Returns whether a lower-case token is a stop word. */
export function isStopWord(token: string): bool {
  return STOP_WORDS.has(token);
}
