import { describe, expect, it } from "vitest";
import { referenceKernels, type Kernels } from "../../src/kernels/index.js";
import { STOP_WORDS } from "../../src/kernels/stop-words.js";
import { WORD_CHAR_RANGES } from "../../src/kernels/word-chars.js";
import { createRandom, FLAVORS, kernelsByFlavor } from "./helpers.js";

const CASES: ReadonlyArray<readonly [label: string, text: string, tokens: string[]]> = [
  ["entities and shortcode", `<p>V&ouml;lkerwanderung &amp; Co&#8217;s [gallery ids="1,2"]</p>`, ["völkerwanderung", "co"]],
  ["Latin-1 letters", "Fußball, ça va, naïve résumé", ["fußball", "ça", "va", "naïve", "résumé"]],
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
  ["numeric entities", "caf&#233; &#x4E2D;&#x6587; &#65;&#66;", ["café", "中文", "ab"]],
  ["invalid numeric entities", "aa&#0;bb &#xD800;cc &#99999999;dd", ["aa", "bb", "cc", "dd"]],
  ["entity without semicolon", "&amp that &eacute", ["amp", "eacute"]],
  ["unknown entity", "&bogus; &Eacute;t&eacute;", ["bogus", "été"]],
  ["decoded markup stays text", "&lt;script&gt;kept&lt;/script&gt;", ["script", "kept", "script"]],
  ["punctuation entities", "one&mdash;two&hellip;three&nbsp;four&rsquo;s", ["one", "two", "three", "four"]],
  ["apostrophes split words", "it's don't Co’s O'Neil", ["don", "co", "neil"]],
  ["short words kept", "AI and JS in Go for us", ["ai", "js", "go", "us"]],
  ["Cyrillic", "Привет, Мир! Ёлка", ["привет", "мир", "ёлка"]],
  ["Greek final sigma", "ΟΔΟΣ Σοφία", ["οδος", "σοφία"]],
  ["final sigma after digits", "42ΟΔΟΣ ΣΣ 7Σ", ["42οδος", "σς", "7σ"]],
  ["final sigma before marks", "ΟΣ\u0301 ΟΣ\u0301Α", ["ος\u0301", "οσ\u0301α"]],
  ["CJK runs", "東京タワー、ソウル 한국어", ["東京タワー", "ソウル", "한국어"]],
  ["Arabic and Hebrew", "مرحبا بالعالم שלום עולם", ["مرحبا", "بالعالم", "שלום", "עולם"]],
  ["Devanagari", "नमस्ते दुनिया।", ["नमस्ते", "दुनिया"]],
  ["numbers", "Version 2024 has 3 items and 42x", ["version", "2024", "items", "42x"]],
  ["combining marks", "nai\u0308ve", ["nai\u0308ve"]],
  ["dotted capital I", "İstanbul", ["i\u0307stanbul"]],
  ["astral ideographs", "\u{20000}\u{20001} x", ["\u{20000}\u{20001}"]],
  ["emoji separate words", "rocket🚀launch", ["rocket", "launch"]],
  ["lone surrogates separate words", "ab\ud800cd\udc00ef", ["ab", "cd", "ef"]],
];

const implementations: ReadonlyArray<readonly [string, Pick<Kernels, "tokenize">]> = [
  ["reference", referenceKernels],
  ...FLAVORS.map((flavor) => [flavor, kernelsByFlavor[flavor]] as const),
];

describe.each(implementations)("tokenize %s", (_name, kernels) => {
  it.each(CASES)("handles %s", (_label, text, tokens) => {
    expect(kernels.tokenize(text)).toEqual(tokens);
  });

  it("drops every stop word", () => {
    expect(kernels.tokenize(STOP_WORDS.join(" ").toUpperCase())).toEqual([]);
  });

  it("truncates tokens to 64 code points", () => {
    const [ascii] = kernels.tokenize("x".repeat(100));
    expect(ascii).toBe("x".repeat(64));

    const [astral] = kernels.tokenize("\u{20000}".repeat(70));
    expect(Array.from(astral!).length).toBe(64);
    expect(astral!.length).toBe(128);
  });

  it("rejects input that is not a string", () => {
    expect(() => kernels.tokenize(42 as unknown as string)).toThrow(TypeError);
  });
});

/** Returns markup-heavy random text built from a seeded mix of fragments. */
function randomDocument(seed: number, fragments: number): string {
  const pieces = [
    "Über", "naïve", "Straße", "ΟΔΟΣ", "Москва", "東京", "한국", "&amp;", "&ouml;", "&#8217;", "&#x1F600;",
    "<p>", "</p>", "<a href='x>y'>", "[gallery ids=\"1\"]", "[/caption]", "[see]", "<script>x</script>",
    "<!-- c -->", "  ", "\n", ",", "’", "'", "the", "AI", "x", "42", "🚀", "\ud800", "<", ">", "[", "]", "&", "#",
  ];
  const random = createRandom(seed);
  let text = "";
  for (let i = 0; i < fragments; i++) text += pieces[Math.floor(random() * pieces.length)];
  return text;
}

describe.each(FLAVORS)("tokenize %s against reference", (flavor) => {
  const kernels = kernelsByFlavor[flavor];

  it("matches on random markup documents", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const text = randomDocument(seed, 60);
      expect(kernels.tokenize(text), `seed ${seed}`).toEqual(referenceKernels.tokenize(text));
    }
  });

  it("matches on every word character", () => {
    let text = "";
    for (let pair = 0; pair < WORD_CHAR_RANGES.length; pair += 2) {
      for (let codePoint = WORD_CHAR_RANGES[pair]!; codePoint <= WORD_CHAR_RANGES[pair + 1]!; codePoint++) {
        text += `a${String.fromCodePoint(codePoint)} `;
      }
    }
    expect(kernels.tokenize(text)).toEqual(referenceKernels.tokenize(text));
  });

  it("matches on 1 MB of text", () => {
    const text = randomDocument(99, 400_000).slice(0, 1 << 20);
    expect(text.length).toBe(1 << 20);
    const tokens = kernels.tokenize(text);
    expect(tokens.length).toBeGreaterThan(10_000);
    expect(tokens).toEqual(referenceKernels.tokenize(text));
  });

  it("stays linear on many unclosed brackets", () => {
    const text = "aa <bb [cc ".repeat(100_000);
    const started = performance.now();
    const tokens = kernels.tokenize(text);
    expect(tokens.length).toBe(300_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
