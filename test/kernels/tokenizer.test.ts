import { describe, expect, it } from "vitest";
import { referenceKernels, type Kernels, type TokenizeOptions } from "../../src/kernels/index.js";
import { ENGLISH_STOP_WORDS, GERMAN_STOP_WORDS } from "../../src/kernels/stop-words.js";
import { FLAVORS, kernelsByFlavor } from "./helpers.js";

const CASES: ReadonlyArray<readonly [label: string, text: string, tokens: string[]]> = [
  ["entities and shortcode", `<p>V&ouml;lkerwanderung &amp; Co&#8217;s [gallery ids="1,2"]</p>`, ["volkerwanderung", "co"]],
  ["empty string", "", []],
  ["separators only", " \t\n,.;!? — … 🚀 ", []],
  ["script and style", "<script>var hidden = 1;</script>shown<STYLE type=x>.hidden{}</style> text", ["shown", "text"]],
  ["unclosed script", "intro <script>never closed", ["intro"]],
  ["comment", "keep <!-- dropped words --> this? no: kept", ["keep", "kept"]],
  ["tags become spaces", "<p>alpha</p><p>beta</p><br/>gamma", ["alpha", "beta", "gamma"]],
  ["lone angle brackets", "x < yy and zz > ww", ["yy", "zz", "ww"]],
  ["unclosed tag is text", "aa <bb cc", ["aa", "bb", "cc"]],
  ["enclosing shortcode", "[caption id=\"c1\" align=\"left\"]Photo caption[/caption]", ["photo", "caption"]],
  ["embed shortcode", "[embed]https://example.com/watch[/embed]", ["https", "example", "com", "watch"]],
  ["self-closing shortcode", "one [video_player /] two", ["one", "two"]],
  ["bracketed prose", "[see figure] and [1] notes", ["see", "figure", "notes"]],
  ["nested brackets", "[[gallery]] word", ["word"]],
  ["numeric entities", "caf&#233; &#x4E2D;&#x6587; &#65;&#66;", ["cafe", "中文", "ab"]],
  ["invalid numeric entities", "aa&#0;bb &#xD800;cc &#99999999;dd", ["aa", "bb", "cc", "dd"]],
  ["entity without semicolon", "&amp that &eacute", ["amp", "eacute"]],
  ["unknown entity", "&bogus; &Eacute;t&eacute;", ["bogus", "ete"]],
  ["decoded markup stays text", "&lt;script&gt;kept&lt;/script&gt;", ["script", "kept", "script"]],
  ["punctuation entities", "one&mdash;two&hellip;three&nbsp;four&rsquo;s", ["one", "two", "three", "four"]],
  ["apostrophes split words", "it's don't Co’s O'Neil", ["don", "co", "neil"]],
  ["short words kept", "AI and JS in Go for us", ["ai", "js", "go", "us"]],
  ["Cyrillic", "Привет, Мир! Ёлка", ["привет", "мир", "елка"]],
  ["Cyrillic short i kept", "Мой МОИ йогурт", ["мой", "мои", "йогурт"]],
  ["Greek sigma forms", "ΟΔΟΣ Σοφία", ["οδοσ", "σοφια"]],
  ["Greek sigma after digits", "42ΟΔΟΣ ΣΣ 7Σ", ["42οδοσ", "σσ", "7σ"]],
  ["Greek sigma before marks", "ΟΣ\u0301 ΟΣ\u0301Α", ["οσ", "οσα"]],
  ["Arabic and Hebrew", "مرحبا بالعالم שלום עולם", ["مرحبا", "بالعالم", "שלום", "עולם"]],
  ["Devanagari", "नमस्ते दुनिया।", ["नमस्ते", "दुनिया"]],
  ["numbers", "Version 2024 has 3 items and 42x", ["version", "2024", "items", "42x"]],
  ["combining marks", "nai\u0308ve", ["naive"]],
  ["combining marks only", "a \u0301\u0302 b\u0301", []],
  ["astral ideographs", "\u{20000}\u{20001} x", ["\u{20000}\u{20001}"]],
  ["emoji separate words", "rocket🚀launch", ["rocket", "launch"]],
  ["lone surrogates separate words", "ab\ud800cd\udc00ef", ["ab", "cd", "ef"]],
];


// Spellings that a reader treats as one word give one token.
const FOLD_CASES: ReadonlyArray<readonly [label: string, text: string, tokens: string[]]> = [
  ["Latin-1 letters", "Fußball, ça va, naïve résumé", ["fussball", "ca", "va", "naive", "resume"]],
  ["French accents", "crème brûlée", ["creme", "brulee"]],
  ["Turkish dotted capital I", "İstanbul", ["istanbul"]],
  ["Turkish capitals", "ŞİFRE", ["sifre"]],
  ["Turkish lower case", "şifre", ["sifre"]],
  ["Turkish dotless i", "ışık KIŞ", ["isik", "kis"]],
  ["German sharp s", "Morgengruß STRAẞE", ["morgengruss", "strasse"]],
  ["German umlauts", "Übergröße Ärger", ["ubergrosse", "arger"]],
  ["Spanish and Nordic", "Año Ålesund Øre", ["ano", "alesund", "ore"]],
  ["ligatures", "Æsir œuvre Œdipus", ["aesir", "oeuvre", "oedipus"]],
  ["Polish and Croatian", "Łódź Đakovo", ["lodz", "dakovo"]],
  ["Icelandic thorn and eth", "Þór Guðrún", ["thor", "gudrun"]],
  ["Greek tonos and dialytika", "Καλημέρα ΆΈΉ προϊόν ΐ", ["καλημερα", "αεη", "προιον"]],
  ["Vietnamese marks", "Tiếng Việt Đường phố", ["tieng", "viet", "duong", "pho"]],
  ["fullwidth Latin", "ＷＯＲＤ Ｐｒｅｓｓ", ["word", "press"]],
];

// Han, Hiragana, Katakana and Hangul become overlapping bigrams.
const CJK_CASES: ReadonlyArray<readonly [label: string, text: string, tokens: string[]]> = [
  ["Chinese bigrams", "密码重置指南", ["密码", "码重", "重置", "置指", "指南"]],
  ["mixed Chinese and Latin", "使用SQLite数据库", ["使用", "sqlite", "数据", "据库"]],
  ["Katakana bigrams", "パスワード", ["パス", "スワ", "ワー", "ード"]],
  ["Japanese mixed scripts", "東京タワー、ソウル", ["東京", "京タ", "タワ", "ワー", "ソウ", "ウル"]],
  ["Hangul bigrams", "한국어 비밀번호", ["한국", "국어", "비밀", "밀번", "번호"]],
  ["lone CJK between Latin", "a中b", ["中"]],
  ["lone CJK between words", "ab中cd", ["ab", "中", "cd"]],
  ["lone CJK between digits", "第3章", ["第", "章"]],
  ["CJK run after punctuation", "好。好", ["好", "好"]],
  ["supplementary ideographs", "\u{20000}\u{20001}\u{20002}", ["\u{20000}\u{20001}", "\u{20001}\u{20002}"]],
];

const implementations: ReadonlyArray<readonly [string, Pick<Kernels, "tokenize">]> = [
  ["reference", referenceKernels],
  ...FLAVORS.map((flavor) => [flavor, kernelsByFlavor[flavor]] as const),
];

describe.each(implementations)("tokenize %s", (_name, kernels) => {
  it.each(CASES)("handles %s", (_label, text, tokens) => {
    expect(kernels.tokenize(text)).toEqual(tokens);
  });

  it.each(FOLD_CASES)("folds %s", (_label, text, tokens) => {
    expect(kernels.tokenize(text)).toEqual(tokens);
  });

  it.each(CJK_CASES)("splits %s", (_label, text, tokens) => {
    expect(kernels.tokenize(text)).toEqual(tokens);
  });

  it("folds both spellings of Morgengruß alike", () => {
    expect(kernels.tokenize("Morgengruß")).toEqual(kernels.tokenize("Morgengruss"));
  });

  it("folds ŞİFRE and şifre alike", () => {
    expect(kernels.tokenize("ŞİFRE")).toEqual(kernels.tokenize("şifre"));
  });

  it("keeps distinct words apart", () => {
    expect(kernels.tokenize("Straße Strasse strass")).toEqual(["strasse", "strasse", "strass"]);
    expect(kernels.tokenize("мой мои")).toEqual(["мой", "мои"]);
  });

  it("finds a CJK query in longer text", () => {
    const textTokens = kernels.tokenize("忘记密码");
    const [query] = kernels.tokenize("密码");
    expect(query).toBe("密码");
    expect(textTokens).toContain(query);
  });

  it("drops every English stop word by default", () => {
    expect(kernels.tokenize(ENGLISH_STOP_WORDS.join(" ").toUpperCase())).toEqual([]);
  });

  it("drops every German stop word when asked", () => {
    expect(kernels.tokenize(GERMAN_STOP_WORDS.join(" ").toUpperCase(), { stopWords: "de" })).toEqual([]);
  });

  it("drops folded German stop words", () => {
    const options: TokenizeOptions = { stopWords: "de" };
    expect(kernels.tokenize("Für die Katze, daß über dem Tisch", options)).toEqual(["katze", "tisch"]);
  });

  it("keeps English stop words under the German list", () => {
    expect(kernels.tokenize("the cat and die Katze", { stopWords: "de" })).toEqual(["the", "cat", "and", "katze"]);
  });

  it("keeps every word without a stop word list", () => {
    expect(kernels.tokenize("The and die AI", { stopWords: "none" })).toEqual(["the", "and", "die", "ai"]);
  });

  it("uses English for an empty options object", () => {
    expect(kernels.tokenize("the go", {})).toEqual(["go"]);
  });

  it("truncates tokens to 64 code points", () => {
    const [ascii] = kernels.tokenize("x".repeat(100));
    expect(ascii).toBe("x".repeat(64));
  });

  it("truncates after folding", () => {
    const [folded] = kernels.tokenize("ß".repeat(40));
    expect(folded).toBe("s".repeat(64));
    const [odd] = kernels.tokenize("a" + "ß".repeat(40));
    expect(odd).toBe("a" + "s".repeat(63));
  });

  it("keeps surrogate pairs whole in bigrams", () => {
    const tokens = kernels.tokenize("\u{20000}".repeat(70));
    expect(tokens.length).toBe(69);
    expect(tokens.every((token) => token === "\u{20000}\u{20000}")).toBe(true);
  });

  it("rejects input that is not a string", () => {
    expect(() => kernels.tokenize(42 as unknown as string)).toThrow(TypeError);
  });

  it("rejects an unknown stop word list", () => {
    const options = { stopWords: "fr" } as unknown as TokenizeOptions;
    expect(() => kernels.tokenize("text", options)).toThrow(RangeError);
    expect(() => kernels.tokenize("text", options)).toThrow(/invalid stopWords option "fr"/);
  });

  it("rejects options that are not an object", () => {
    expect(() => kernels.tokenize("text", "en" as unknown as TokenizeOptions)).toThrow(TypeError);
    expect(() => kernels.tokenize("text", null as unknown as TokenizeOptions)).toThrow(/got null/);
  });
});
