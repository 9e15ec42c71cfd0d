import { describe, expect, it } from "vitest";

import { toPlainText } from "../../src/indexer/plain-text.js";

describe("toPlainText", () => {
  it("drops tags, scripts and comments", () => {
    const html = '<p>Hello <b>world</b></p><script>var x = "<p>";</script><!-- note --><style>p{}</style>';
    expect(toPlainText(html)).toBe("Hello world");
  });

  it("drops declarations and front matter", () => {
    expect(toPlainText("<!DOCTYPE html><?xml version=\"1.0\"?><p>Body</p>")).toBe("Body");
    expect(toPlainText("---\ntitle: Guide\nsection: 1\n---\n# Guide\n\nText")).toBe("Guide\n\nText");
    expect(toPlainText("Intro\n---\nnot front matter\n---\n")).toBe("Intro --- not front matter ---");
  });

  it("turns block tags into paragraph breaks", () => {
    expect(toPlainText("<h1>Title</h1><p>First</p><p>Second</p>")).toBe("Title\n\nFirst\n\nSecond");
  });

  it("drops Markdown heading and fence markers", () => {
    expect(toPlainText("## Install\n\n```sh\nnpm i x\n```\n")).toBe("Install\n\nnpm i x");
  });

  it("decodes entities", () => {
    expect(toPlainText("V&ouml;lker &amp; Co&#8217;s &#x263A; &nbsp;x")).toBe("Völker & Co’s ☺ x");
  });

  it("drops shortcodes and keeps their inner text", () => {
    expect(toPlainText('[caption id="1"]A cat[/caption] [gallery ids="1,2"]')).toBe("A cat");
    expect(toPlainText('[caption id="2" align="aligncenter"]<a href="x"><img src="x.jpg" /></a>[/caption] Text')).toBe("Text");
  });

  it("keeps Markdown link text", () => {
    expect(toPlainText("See [the docs](https://example.com) and ![logo](x.png) [![badge](b.svg)](c)")).toBe("See the docs and");
    expect(toPlainText("# pkg [![Version][v-svg]][v-url]")).toBe("pkg");
  });

  it("keeps unknown entities as written", () => {
    expect(toPlainText("&bogus; &#0; &#xD800;")).toBe("&bogus; \ufffd \ufffd");
  });
});
