import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MAX_FILE_BYTES, readPaths, type ReadEvent } from "../../src/sources/read-files.js";
import type { SourceError, SourcePost } from "../../src/sources/source-post.js";
import { titleOfDocument } from "../../src/sources/title-of-document.js";

let folder: string;

/** Returns the post of a read event; fails the test when the event is an error. */
function postOf(event: ReadEvent | undefined) {
  expect(event).toHaveProperty("post");
  return (event as { post: SourcePost }).post;
}

/** Returns the error message of a read event; fails the test when the event is a post. */
function errorOf(event: ReadEvent | undefined): string {
  expect(event).toHaveProperty("error");
  return (event as { error: SourceError }).error.message;
}

async function collect(paths: string[]): Promise<ReadEvent[]> {
  const events: ReadEvent[] = [];
  for await (const event of readPaths(paths)) events.push(event);
  return events;
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "wpllmseo-read-"));
  await mkdir(path.join(folder, "docs", "nested"), { recursive: true });
  await mkdir(path.join(folder, ".hidden"));
  await writeFile(path.join(folder, "docs", "guide.md"), "---\ntitle: Front Title\n---\n# Heading\n\nBody text.");
  await writeFile(path.join(folder, "docs", "nested", "page.html"), "<html><title>Page &amp; Title</title><p>Hi</p></html>");
  await writeFile(path.join(folder, "docs", "notes.txt"), "\n\nFirst line here\nsecond line");
  await writeFile(path.join(folder, "docs", "image.png"), "not text");
  await writeFile(path.join(folder, ".hidden", "secret.md"), "# hidden");
  await writeFile(
    path.join(folder, "posts.jsonl"),
    [
      JSON.stringify({ title: "One", content: "first post", url: "https://example.com/1" }),
      "",
      "{not json",
      JSON.stringify({ title: "No content" }),
      JSON.stringify({ content: "untitled body text", title: 5 }),
      JSON.stringify({ content: "Second post body" }),
    ].join("\n"),
  );
  await writeFile(path.join(folder, "binary.txt"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
  await writeFile(path.join(folder, "latin1.md"), Buffer.from([0x43, 0x61, 0x66, 0xe9]));
  await writeFile(path.join(folder, "bom.jsonl"), `\uFEFF${JSON.stringify({ title: "Bom", content: "after a byte order mark" })}\n`);
  await writeFile(path.join(folder, "script-url.jsonl"), JSON.stringify({ title: "X", content: "y", url: "javascript:alert(1)" }));
  await symlink(path.join(folder, "docs"), path.join(folder, "docs", "nested", "loop"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("readPaths", () => {
  it("reads a folder recursively and skips hidden entries, links and other types", async () => {
    const events = await collect([path.join(folder, "docs")]);
    const titles = events.flatMap((event) => ("post" in event ? [event.post.title] : []));
    expect(titles).toEqual(["Front Title", "Page & Title", "First line here"]);
    expect(events.filter((event) => "error" in event)).toEqual([]);
  });

  it("follows a link named as a path", async () => {
    const link = path.join(folder, "docs-link");
    await symlink(path.join(folder, "docs"), link);
    const events = await collect([link]);
    const titles = events.flatMap((event) => ("post" in event ? [event.post.title] : []));
    expect(titles).toEqual(["Front Title", "Page & Title", "First line here"]);
    const fileLink = path.join(folder, "guide-link.md");
    await symlink(path.join(folder, "docs", "guide.md"), fileLink);
    const [event] = await collect([fileLink]);
    expect(postOf(event).source).toBe(fileLink);
  });

  it("uses the file URL as url and the path as source", async () => {
    const file = path.join(folder, "docs", "guide.md");
    const [event] = await collect([file]);
    expect(postOf(event).source).toBe(file);
    expect(postOf(event).url).toBe(`file://${file}`);
  });

  it("reads JSONL lines and reports bad ones with their line numbers", async () => {
    const file = path.join(folder, "posts.jsonl");
    const events = await collect([file]);
    const posts = events.flatMap((event) => ("post" in event ? [event.post] : []));
    const errors = events.flatMap((event) => ("error" in event ? [event.error.message] : []));
    expect(posts.map((post) => post.title)).toEqual(["One", "Second post body"]);
    expect(posts[0]?.source).toBe("https://example.com/1");
    expect(posts[1]?.source).toBe(`${file}:6`);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/invalid JSON at .*posts\.jsonl:3/);
    expect(errors[1]).toMatch(/missing "content" string at .*posts\.jsonl:4/);
    expect(errors[2]).toMatch(/invalid "title" at .*posts\.jsonl:5/);
  });

  it("reports a missing path and goes on", async () => {
    const events = await collect([path.join(folder, "missing.md"), path.join(folder, "docs", "notes.txt")]);
    expect(events).toHaveLength(2);
    expect(errorOf(events[0])).toMatch(/cannot read .*missing\.md/);
    expect(events[1]).toHaveProperty("post");
  });

  it("skips binary and non-UTF-8 files", async () => {
    const events = await collect([path.join(folder, "binary.txt"), path.join(folder, "latin1.md")]);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(errorOf(event)).toMatch(/not UTF-8 text/);
    }
  });

  it("reads a JSONL file that starts with a byte order mark", async () => {
    const [event] = await collect([path.join(folder, "bom.jsonl")]);
    expect(postOf(event).title).toBe("Bom");
  });

  it("rejects a JSONL url that is not http or https", async () => {
    const [event] = await collect([path.join(folder, "script-url.jsonl")]);
    expect(errorOf(event)).toMatch(/invalid "url" at .*script-url\.jsonl:1/);
  });

  it("skips JSONL posts that are empty or too large", async () => {
    const file = path.join(folder, "sizes.jsonl");
    const huge = "word ".repeat(MAX_FILE_BYTES / 5 + 10);
    await writeFile(file, [JSON.stringify({ content: "" }), JSON.stringify({ content: huge }), JSON.stringify({ content: "fits" })].join("\n"));
    const events = await collect([file]);
    expect(events).toHaveLength(3);
    expect(errorOf(events[0])).toMatch(/empty "content" at .*sizes\.jsonl:1/);
    expect(errorOf(events[1])).toMatch(/sizes\.jsonl:2: content of \d+ bytes is over the/);
    expect(postOf(events[2]).content).toBe("fits");
  });

  it("rejects a path that is not a file or folder", async () => {
    const [event] = await collect(["/dev/null"]);
    expect(errorOf(event)).toMatch(/not a regular file or folder/);
  });

  it("rejects a named file of an unsupported type", async () => {
    const [event] = await collect([path.join(folder, "docs", "image.png")]);
    expect(errorOf(event)).toMatch(/unsupported file type "\.png"/);
  });
});

describe("titleOfDocument", () => {
  it("skips headings inside code blocks", () => {
    const markdown = "Intro line.\n\n```js\n# {\"answer\":42}\n```\n\n~~~~\n# not this\n~~~~\n\n# Encapsulation\n\nText.";
    expect(titleOfDocument(markdown, ".md")).toBe("Encapsulation");
  });

  it("falls back past a code block to the first line", () => {
    expect(titleOfDocument("Plain opening line\n```\n# code\n```\n", ".md")).toBe("Plain opening line");
  });

  it("skips a text file's comment banner", () => {
    const banner = "/*******************\n * =============== *\n *  Release notes  *\n *******************/\nBody text.";
    expect(titleOfDocument(banner, ".txt")).toBe("Release notes");
    expect(titleOfDocument("-----\n// Build 2.1 //\n", ".txt")).toBe("Build 2.1");
    expect(titleOfDocument("====\n\n", ".txt")).toBe("");
    expect(titleOfDocument("Learn C++\n", ".txt")).toBe("Learn C++");
    expect(titleOfDocument("Hello world!\n", ".txt")).toBe("Hello world!");
  });
});
