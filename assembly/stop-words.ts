// Stop words dropped by the tokenizer, one list per language, stored
// folded as tokens are. src/kernels/stop-words.ts contains the same lists,
// and a test checks that they are equal. Each list has an open-addressing
// hash table in linear memory, so a token is looked up where the tokenizer
// wrote it, without creating a string.

/** Stop word list argument of tokenize: no list. */
export const NO_STOP_WORDS = 0;
/** Stop word list argument of tokenize: English. */
export const ENGLISH = 1;
/** Stop word list argument of tokenize: German. */
export const GERMAN = 2;

const ENGLISH_STOP_WORDS: StaticArray<string> = [
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

const GERMAN_STOP_WORDS: StaticArray<string> = [
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

// Slots per table, a power of two above twice the longest list, so that
// probe sequences stay short. A slot contains a word index + 1, or 0.
const SLOTS = 512;
const SLOT_MASK: u32 = SLOTS - 1;
const englishSlots = memory.data(SLOTS << 1, 2);
const germanSlots = memory.data(SLOTS << 1, 2);

// Maximum stop word length of either list, in code units. Longer tokens skip the lookup.
let maxStopWordUnits = 0;

/** Returns the 32-bit FNV-1a hash of `units` UTF-16 code units at `address`. */
function hashUnits(address: usize, units: i32): u32 {
  let hash: u32 = 0x811c9dc5;
  for (let i = 0; i < units; i++) {
    hash = (hash ^ <u32>load<u16>(address + (<usize>i << 1))) * 0x01000193;
  }
  return hash;
}

function fillSlots(slots: usize, words: StaticArray<string>): void {
  for (let index = 0; index < words.length; index++) {
    const word = unchecked(words[index]);
    maxStopWordUnits = max(maxStopWordUnits, word.length);
    let slot = hashUnits(changetype<usize>(word), word.length) & SLOT_MASK;
    while (load<u16>(slots + (<usize>slot << 1)) != 0) slot = (slot + 1) & SLOT_MASK;
    store<u16>(slots + (<usize>slot << 1), <u16>(index + 1));
  }
}

fillSlots(englishSlots, ENGLISH_STOP_WORDS);
fillSlots(germanSlots, GERMAN_STOP_WORDS);

/** Returns whether the `units` code units at `address` are a stop word of `list` (ENGLISH, GERMAN or NO_STOP_WORDS). */
export function isStopWordAt(address: usize, units: i32, list: i32): bool {
  if (list == NO_STOP_WORDS || units > maxStopWordUnits) return false;
  const words = list == GERMAN ? GERMAN_STOP_WORDS : ENGLISH_STOP_WORDS;
  const slots = list == GERMAN ? germanSlots : englishSlots;
  const bytes = <usize>units << 1;

  let slot = hashUnits(address, units) & SLOT_MASK;
  while (true) {
    const entry = <i32>load<u16>(slots + (<usize>slot << 1));
    if (entry == 0) return false;
    const word = unchecked(words[entry - 1]);
    if (word.length == units && memory.compare(changetype<usize>(word), address, bytes) == 0) return true;
    slot = (slot + 1) & SLOT_MASK;
  }
  return false;
}
