/**
 * The WordPress export reader, on the Theme Unit Test export in
 * test/fixtures (WordPress's theme review test content, 609 KB: 58 posts and 21
 * pages with HTML, shortcodes, Greek text and very long titles, plus
 * attachments and menu items).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEFAULT_POST_STATUSES, DEFAULT_POST_TYPES, parseSlugList } from "../../src/sources/wordpress-post.js";
import { readPaths, type ReadEvent } from "../../src/sources/read-files.js";
import { parseWxr, readWxrFile, type WxrItem, WxrFormatError } from "../../src/sources/read-wxr.js";
import type { SourcePost } from "../../src/sources/source-post.js";

export const THEME_UNIT_TEST = path.resolve("test/fixtures/themeunittestdata.wordpress.xml");
const SITE = "https://wpthemetestdata.wordpress.com";
const DEFAULT_FILTER = { types: DEFAULT_POST_TYPES, statuses: DEFAULT_POST_STATUSES };

let folder: string;

async function collect(events: AsyncIterable<ReadEvent>) {
  const posts: SourcePost[] = [];
  const errors: string[] = [];
  for await (const event of events) {
    if ("post" in event) posts.push(event.post);
    else errors.push(event.error.message);
  }
  return { posts, errors };
}

async function parseAll(file: string) {
  const items: WxrItem[] = [];
  const generator = parseWxr(file);
  for (;;) {
    const next = await generator.next();
    if (next.done) return { items, site: next.value.site };
    if ("postId" in next.value) items.push(next.value);
  }
}

/** A minimal export with the given items, as WordPress 6 writes it. */
function wxr(items: string): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Test</title>
<link>https://example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://example.org</wp:base_blog_url>
${items}
</channel>
</rss>
`;
}

function item(id: number, title: string, content: string, extra = ""): string {
  return `<item>
<title><![CDATA[${title}]]></title>
<link>https://example.org/?p=${id}</link>
<guid isPermaLink="false">https://example.org/?p=${id}</guid>
<content:encoded><![CDATA[${content}]]></content:encoded>
<wp:post_id>${id}</wp:post_id>
<wp:post_modified_gmt><![CDATA[2024-03-01 10:00:00]]></wp:post_modified_gmt>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<wp:post_password><![CDATA[]]></wp:post_password>
${extra}
</item>`;
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "wpllmseo-wxr-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("parseWxr", () => {
  it("reads every item of the theme unit test export", async () => {
    const { items, site } = await parseAll(THEME_UNIT_TEST);
    expect(site).toBe(SITE);
    expect(items).toHaveLength(186);
    const byType = new Map<string, number>();
    for (const entry of items) byType.set(entry.type, (byType.get(entry.type) ?? 0) + 1);
    expect(Object.fromEntries(byType)).toEqual({ attachment: 37, nav_menu_item: 70, page: 21, post: 58 });
  });

  it("decodes CDATA, entities and unicode in fields", async () => {
    const { items } = await parseAll(THEME_UNIT_TEST);
    const special = items.find((entry) => entry.postId === "1174");
    expect(special?.title).toBe("Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>");
    const greek = items.find((entry) => entry.postId === "1809");
    expect(greek?.title).toBe("Ελληνικά-Greek");
    const audio = items.find((entry) => entry.postId === "587");
    expect(audio?.content).toContain("[audio ");
    expect(audio?.link).toBe(`${SITE}/2010/07/02/post-format-audio/`);
  });

  it("takes post_modified_gmt, else post_date_gmt", async () => {
    const { items } = await parseAll(THEME_UNIT_TEST);
    const modified = items.filter((entry) => entry.modifiedGmt?.startsWith("2023-01-16"));
    expect(modified.length).toBeGreaterThan(0);
    const long = items.find((entry) => entry.postId === "1175");
    expect(long?.modifiedGmt).toBe("2009-10-05 19:00:59");
    const draft = items.find((entry) => entry.postId === "1164");
    expect(draft?.status).toBe("draft");
  });

  it("names file, line and column of malformed XML", async () => {
    const file = path.join(folder, "broken.xml");
    await writeFile(file, wxr(`${item(1, "One", "first")}\n<item><title>Two</titel></item>`));
    const error = await parseAll(file).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(WxrFormatError);
    const formatError = error as WxrFormatError;
    expect(formatError.line).toBe(20);
    expect(formatError.message).toContain(`${file}:20:`);
    expect(formatError.message).toBe(`invalid WordPress export ${file}:20:24: unexpected close tag.`);
  });

  it("rejects XML that is no WordPress export", async () => {
    const file = path.join(folder, "sitemap.xml");
    await writeFile(file, `<?xml version="1.0"?><urlset><url><loc>https://example.org/</loc></url></urlset>`);
    await expect(parseAll(file)).rejects.toThrow(/root element is <urlset>, expected <rss>/);
    const rssFile = path.join(folder, "feed.xml");
    await writeFile(rssFile, `<rss version="2.0"><channel><title>Feed</title><link>https://example.org</link></channel></rss>`);
    await expect(parseAll(rssFile)).rejects.toThrow(/no <wp:wxr_version>/);
  });
});

describe("readWxrFile", () => {
  it("yields published posts and pages by default", async () => {
    const { posts, errors } = await collect(readWxrFile(THEME_UNIT_TEST, DEFAULT_FILTER));
    expect(errors).toEqual([]);
    // 79 posts and pages, less one draft, one scheduled and one password-protected post.
    expect(posts).toHaveLength(76);
    const sources = posts.map((post) => post.source);
    expect(new Set(sources).size).toBe(76);
    expect(sources).toContain(`wxr:${SITE}:1175`);
    expect(sources).not.toContain(`wxr:${SITE}:1164`);
    expect(sources).not.toContain(`wxr:${SITE}:1168`);
  });

  it("reads drafts and other types when asked", async () => {
    const filter = { types: ["post"], statuses: parseSlugList("--status", "publish,draft,future") };
    const { posts } = await collect(readWxrFile(THEME_UNIT_TEST, filter));
    // 58 posts, less the password-protected one.
    expect(posts).toHaveLength(57);
    const attachments = await collect(readWxrFile(THEME_UNIT_TEST, { types: ["attachment"], statuses: ["inherit"] }));
    expect(attachments.posts).toHaveLength(37);
  });

  it("gives untitled posts a title from their content", async () => {
    const { posts } = await collect(readWxrFile(THEME_UNIT_TEST, DEFAULT_FILTER));
    const untitled = posts.find((post) => post.source === `wxr:${SITE}:1173`);
    expect(untitled?.title.length).toBeGreaterThan(0);
    const special = posts.find((post) => post.source === `wxr:${SITE}:1174`);
    expect(special?.title).toBe("Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>");
  });

  it("yields one error and no post for a malformed file", async () => {
    const file = path.join(folder, "truncated.xml");
    const whole = await readFile(THEME_UNIT_TEST, "utf8");
    await writeFile(file, whole.slice(0, Math.floor(whole.length * 0.8)));
    const { posts, errors } = await collect(readWxrFile(file, DEFAULT_FILTER));
    expect(posts).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`invalid WordPress export ${file}:`);
    expect(errors[0]).toContain(". Nothing was imported from this file.");
  });

  it("reports an item without a post id and reads the rest", async () => {
    const file = path.join(folder, "no-id.xml");
    await writeFile(file, wxr(`${item(7, "Seven", "text")}\n<item><title>Lost</title></item>`));
    const { posts, errors } = await collect(readWxrFile(file, DEFAULT_FILTER));
    expect(posts.map((post) => post.source)).toEqual(["wxr:https://example.org:7"]);
    expect(errors).toEqual([`skipped the item at ${file}:20: the item has no valid <wp:post_id> (found "")`]);
  });
});

describe("readPaths with .xml", () => {
  it("reads a named export", async () => {
    const file = path.join(folder, "site.xml");
    await writeFile(file, wxr(item(3, "Caf&eacute; &amp; <em>bar</em>", "Body")));
    const { posts } = await collect(readPaths([file]));
    expect(posts).toEqual([{ source: "wxr:https://example.org:3", title: "Café & bar", url: "https://example.org/?p=3", content: "Body" }]);
  });

  it("skips .xml files inside a folder", async () => {
    const sub = path.join(folder, "walk");
    await rm(sub, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(sub));
    await writeFile(path.join(sub, "export.xml"), wxr(item(4, "Four", "four")));
    await writeFile(path.join(sub, "note.md"), "# Note\n\ntext");
    const { posts } = await collect(readPaths([sub]));
    expect(posts.map((post) => post.title)).toEqual(["Note"]);
  });
});
