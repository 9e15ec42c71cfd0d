/**
 * Reads posts from a WordPress export (WXR 1.0 to 1.2, the RSS 2.0 file that
 * Tools > Export writes) with a streaming XML parser, so the file is read in
 * chunks and never held whole in memory.
 *
 * A file is parsed twice: the first pass only checks that it is well-formed
 * XML and a WordPress export, so a malformed file yields one error and no
 * posts instead of the posts before the fault.
 */
import { createReadStream } from "node:fs";

import { SaxesParser, type SaxesTagNS } from "saxes";

import { matchesPostFilter, toWordPressSourcePost, type PostFilter } from "./wordpress-post.js";
import type { ReadEvent } from "./read-files.js";
import type { SourcePost } from "./source-post.js";

/** The `wp:` namespace; WXR 1.0, 1.1 and 1.2 each have their own URI, over http or https. */
const WP_NAMESPACE = /^https?:\/\/wordpress\.org\/export\/1\.\d+\/$/;
const CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/";

const READ_CHUNK_BYTES = 64 * 1024;

/** One `<item>` of an export, with the fields the import uses. */
export interface WxrItem {
  /** wp:post_id, a decimal string. */
  postId: string;
  title: string;
  link: string;
  guid: string;
  /** content:encoded: the post_content HTML, shortcodes included. */
  content: string;
  type: string;
  status: string;
  password: string;
  /** wp:post_modified_gmt, else wp:post_date_gmt ("YYYY-MM-DD HH:MM:SS", UTC); null when neither is set. */
  modifiedGmt: string | null;
  /** Line of the item's start tag. */
  line: number;
}

/** An `<item>` that is well-formed XML but lacks a field the import needs. */
export interface WxrItemError {
  line: number;
  message: string;
}

export interface WxrFile {
  /** wp:base_blog_url, else the channel's <link>: the site the export came from. */
  site: string;
}

/** Raised for a file that is not well-formed XML or not a WordPress export. */
export class WxrFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`invalid WordPress export ${file}:${line}:${column}: ${detail}`);
    this.name = "WxrFormatError";
  }
}

type ItemField = Exclude<keyof WxrItem, "line" | "modifiedGmt"> | "modified" | "date";

/** Item children read, by namespace kind and local name. */
const ITEM_FIELDS: Record<string, ItemField> = {
  "rss:title": "title",
  "rss:link": "link",
  "rss:guid": "guid",
  "content:encoded": "content",
  "wp:post_id": "postId",
  "wp:post_type": "type",
  "wp:status": "status",
  "wp:post_password": "password",
  "wp:post_modified_gmt": "modified",
  "wp:post_date_gmt": "date",
};

function namespaceKind(uri: string): string {
  if (uri === "") return "rss";
  if (uri === CONTENT_NAMESPACE) return "content";
  return WP_NAMESPACE.test(uri) ? "wp" : "other";
}

/**
 * Yields the export's items in file order, then returns the site. Raises
 * WxrFormatError at the first XML fault or when the file is no WXR file.
 */
export async function* parseWxr(file: string): AsyncGenerator<WxrItem | WxrItemError, WxrFile> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const fail = (detail: string): never => {
    throw new WxrFormatError(file, parser.line, parser.column, detail);
  };
  parser.on("error", (error) => fail(error.message.replace(/^\d+:\d+: /, "")));

  const path: string[] = [];
  const ready: (WxrItem | WxrItemError)[] = [];
  let fields: Partial<Record<ItemField, string>> | null = null;
  let itemLine = 0;
  let text: string | null = null;
  const channel = { baseBlogUrl: "", link: "", wxrVersion: "" };

  parser.on("opentag", (tag: SaxesTagNS) => {
    const name = `${namespaceKind(tag.uri)}:${tag.local}`;
    if (path.length === 0 && name !== "rss:rss") fail(`the root element is <${tag.name}>, expected <rss> of a WordPress export`);
    path.push(name);
    const depth = path.length;
    if (depth === 3 && path[1] === "rss:channel" && name === "rss:item") {
      fields = {};
      itemLine = parser.line;
    } else if ((fields !== null && depth === 4) || (depth === 3 && path[1] === "rss:channel")) {
      text = "";
    }
  });
  const collect = (chunk: string) => {
    if (text !== null) text += chunk;
  };
  parser.on("text", collect);
  parser.on("cdata", collect);
  parser.on("closetag", () => {
    const name = path.pop() as string;
    const depth = path.length + 1;
    if (fields !== null && depth === 4) {
      const field = ITEM_FIELDS[name];
      if (field !== undefined) fields[field] = text ?? "";
    } else if (fields !== null && depth === 3) {
      ready.push(finishItem(fields, itemLine));
      fields = null;
    } else if (depth === 3) {
      if (name === "wp:base_blog_url") channel.baseBlogUrl = (text ?? "").trim();
      else if (name === "rss:link") channel.link = (text ?? "").trim();
      else if (name === "wp:wxr_version") channel.wxrVersion = (text ?? "").trim();
    }
    text = null;
  });

  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES });
  for await (const chunk of stream) {
    parser.write(chunk as string);
    yield* ready.splice(0);
  }
  parser.close();
  yield* ready.splice(0);

  if (channel.wxrVersion === "") fail("no <wp:wxr_version> in the channel, so this is no WordPress export (WXR) file");
  const site = channel.baseBlogUrl || channel.link;
  if (site === "") fail("the channel has neither <wp:base_blog_url> nor <link>, which name the site the export came from");
  return { site };
}

function finishItem(fields: Partial<Record<ItemField, string>>, line: number): WxrItem | WxrItemError {
  const postId = (fields.postId ?? "").trim();
  if (!/^\d+$/.test(postId)) {
    return { line, message: `the item has no valid <wp:post_id> (found "${postId}")` };
  }
  return {
    postId,
    title: fields.title ?? "",
    link: (fields.link ?? "").trim(),
    guid: (fields.guid ?? "").trim(),
    content: fields.content ?? "",
    type: (fields.type ?? "").trim(),
    status: (fields.status ?? "").trim(),
    password: fields.password ?? "",
    modifiedGmt: readGmt(fields.modified) ?? readGmt(fields.date),
    line,
  };
}

/** WordPress writes "0000-00-00 00:00:00" for a time that was never set, as on drafts. */
function readGmt(value: string | undefined): string | null {
  const trimmed = (value ?? "").trim();
  return trimmed === "" || trimmed.startsWith("0000-00-00") ? null : trimmed;
}

/** Builds the source key of an exported post, stable across exports of one site. */
export function wxrSourceKey(site: string, postId: string): string {
  return `wxr:${site}:${postId}`;
}

/**
 * Yields the posts of an export that match `filter`, or one error event and
 * no post when the file is malformed. Items that do not match the filter
 * (attachments, menu items, drafts by default) and password-protected posts
 * are skipped without an event.
 */
export async function* readWxrFile(file: string, filter: PostFilter): AsyncGenerator<ReadEvent> {
  let site: string;
  try {
    site = await checkWxr(file);
  } catch (error) {
    yield { error: { source: file, message: `${describeError(error).replace(/\.?$/, ".")} Nothing was imported from this file.` } };
    return;
  }

  try {
    for await (const item of parseWxr(file)) {
      if (!("postId" in item)) {
        yield { error: { source: `${file}:${item.line}`, message: `skipped the item at ${file}:${item.line}: ${item.message}` } };
        continue;
      }
      if (matchesPostFilter(filter, item)) yield { post: toSourcePost(site, item) };
    }
  } catch (error) {
    // Only a file that changed after the first pass gets here.
    yield { error: { source: file, message: `${describeError(error).replace(/\.?$/, ".")} The posts before this point were imported.` } };
  }
}

/** Parses the whole file without storing anything; returns the site or raises WxrFormatError. */
async function checkWxr(file: string): Promise<string> {
  const items = parseWxr(file);
  for (;;) {
    const next = await items.next();
    if (next.done) return next.value.site;
  }
}

function toSourcePost(site: string, item: WxrItem): SourcePost {
  return toWordPressSourcePost(wxrSourceKey(site, item.postId), { title: item.title, url: item.link || item.guid, content: item.content });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
