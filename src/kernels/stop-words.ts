// Stop words dropped by the tokenizer, one list per language. Words are
// stored folded, as tokens are, so "für" is "fur" and "daß" is "dass".
// assembly/stop-words.ts contains the same lists, and a test checks that
// they are equal.

/** Language of a stop word list. */
export type StopWordLanguage = "en" | "de";

/**
 * English stop words, the default list. Short words that carry meaning in
 * technical text, such as "ai", "js", "go" and "us", are deliberately absent.
 */
export const ENGLISH_STOP_WORDS: readonly string[] = [
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

/** German stop words: articles, pronouns, prepositions, conjunctions and common auxiliary verbs. */
export const GERMAN_STOP_WORDS: readonly string[] = [
  "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am", "an",
  "andere", "anderem", "anderen", "anderer", "anderes", "auch", "auf", "aus", "bei", "bin",
  "bis", "bist", "da", "damit", "dann", "das", "dass", "dein", "deine", "deinem",
  "deinen", "deiner", "dem", "den", "denn", "der", "des", "dich", "die", "dies",
  "diese", "diesem", "diesen", "dieser", "dieses", "dir", "doch", "dort", "du", "durch",
  "ein", "eine", "einem", "einen", "einer", "eines", "er", "es", "etwas", "euch",
  "euer", "eure", "fur", "gegen", "habe", "haben", "hat", "hatte", "hatten", "hier",
  "ich", "ihm", "ihn", "ihnen", "ihr", "ihre", "ihrem", "ihren", "ihrer", "im",
  "in", "ist", "ja", "jede", "jedem", "jeden", "jeder", "jedes", "kann", "kein",
  "keine", "keinem", "keinen", "keiner", "man", "mein", "meine", "meinem", "meinen", "meiner",
  "mich", "mir", "mit", "muss", "nach", "nicht", "nichts", "noch", "nun", "nur",
  "ob", "oder", "ohne", "sehr", "sein", "seine", "seinem", "seinen", "seiner", "sich",
  "sie", "sind", "so", "soll", "sondern", "uber", "um", "und", "uns", "unser",
  "unsere", "unter", "vom", "von", "vor", "war", "waren", "was", "weil", "welche",
  "welchem", "welchen", "welcher", "welches", "wenn", "wer", "werden", "wie", "wieder", "wir",
  "wird", "wo", "zu", "zum", "zur", "zwischen",
];

/** Stop word lists by language. */
export const STOP_WORD_LISTS: Readonly<Record<StopWordLanguage, readonly string[]>> = {
  en: ENGLISH_STOP_WORDS,
  de: GERMAN_STOP_WORDS,
};

const STOP_WORD_SETS: Readonly<Record<StopWordLanguage, ReadonlySet<string>>> = {
  en: new Set(ENGLISH_STOP_WORDS),
  de: new Set(GERMAN_STOP_WORDS),
};

/** Returns whether a folded token is a stop word of `language` (English by default). */
export function isStopWord(token: string, language: StopWordLanguage = "en"): boolean {
  return STOP_WORD_SETS[language].has(token);
}
