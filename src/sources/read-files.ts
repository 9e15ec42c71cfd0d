/**
 * Reads posts from files and folders: Markdown, HTML and plain text files are
 * one post each, every line of a JSONL file is one post with `title`,
 * `content` and an optional `url`, and a WordPress export (.xml) holds many.
 */
import { createReadStream } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

import { DEFAULT_POST_STATUSES, DEFAULT_POST_TYPES, type PostFilter } from "./wordpress-post.js";
import { readWxrFile } from "./read-wxr.js";
import type { SourceError, SourcePost } from "./source-post.js";
import { titleOfDocument } from "./title-of-document.js";

/**
 * Files and JSONL posts larger than this are reported and skipped. Posts of
 * this size are not prose, and MySQL's default max_allowed_packet (16 MiB
 * on MariaDB 10.11) must fit a post in one statement.
 */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

const DOCUMENT_EXTENSIONS = new Set([".md", ".markdown", ".mdx", ".html", ".htm", ".txt", ".text"]);
const JSONL_EXTENSIONS = new Set([".jsonl", ".ndjson"]);
/** Read only when named, not in a folder walk, where .xml files are mostly sitemaps and configuration. */
const WXR_EXTENSION = ".xml";

export interface ReadOptions {
  /** Post types and statuses read from WordPress exports; default published posts and pages. */
  wxr?: PostFilter;
}

export type ReadEvent = { post: SourcePost } | { error: SourceError };

/**
 * Yields every post under `paths`, in a stable order. A path given here
 * may be a symbolic link, which is followed. A folder is walked
 * recursively; hidden entries (names starting with ".") and symbolic links
 * inside it are skipped, so link cycles cannot trap the walk.
 */
export async function* readPaths(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<ReadEvent> {
  const wxrFilter = options.wxr ?? { types: DEFAULT_POST_TYPES, statuses: DEFAULT_POST_STATUSES };
  for (const given of paths) {
    const absolute = path.resolve(given);
    let stats;
    try {
      stats = await stat(absolute);
    } catch (error) {
      yield { error: { source: given, message: `cannot read ${given}: ${describe(error)}` } };
      continue;
    }
    if (stats.isDirectory()) {
      yield* readFolder(absolute);
    } else if (stats.isFile()) {
      if (path.extname(absolute).toLowerCase() === WXR_EXTENSION) yield* readWxrFile(absolute, wxrFilter);
      else yield* readFile_(absolute, true);
    } else {
      yield { error: { source: given, message: `cannot read ${given}: not a regular file or folder` } };
    }
  }
}

async function* readFolder(folder: string): AsyncGenerator<ReadEvent> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    yield { error: { source: folder, message: `cannot list folder ${folder}: ${describe(error)}` } };
    return;
  }
  entries.sort((a, b) => compareNames(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.isSymbolicLink()) continue;
    const child = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* readFolder(child);
    else if (entry.isFile()) yield* readFile_(child, false);
  }
}

/** Reads one file; `explicit` is true when the user named it, so an unknown type is an error, not a skip. */
async function* readFile_(file: string, explicit: boolean): AsyncGenerator<ReadEvent> {
  const extension = path.extname(file).toLowerCase();
  if (JSONL_EXTENSIONS.has(extension)) {
    yield* readJsonLines(file);
    return;
  }
  if (!DOCUMENT_EXTENSIONS.has(extension)) {
    if (explicit) {
      const accepted = [...DOCUMENT_EXTENSIONS, ...JSONL_EXTENSIONS, WXR_EXTENSION].join(" ");
      yield { error: { source: file, message: `unsupported file type "${extension || "(none)"}" for ${file}: use one of ${accepted}` } };
    }
    return;
  }
  yield await readDocument(file, extension);
}

async function readDocument(file: string, extension: string): Promise<ReadEvent> {
  try {
    const stats = await stat(file);
    if (stats.size > MAX_FILE_BYTES) {
      return { error: { source: file, message: `skipped ${file}: ${stats.size} bytes is over the ${MAX_FILE_BYTES}-byte limit` } };
    }
    const content = decodeText(await readFile(file));
    if (content === null) {
      return { error: { source: file, message: `skipped ${file}: not UTF-8 text (binary data or another encoding)` } };
    }
    const base = path.basename(file, extension);
    const folderName = /^(readme|index)$/i.test(base) ? path.basename(path.dirname(file)) : "";
    const title = titleOfDocument(content, extension, folderName) || base;
    return { post: { source: file, title, url: pathToFileURL(file).href, content } };
  } catch (error) {
    return { error: { source: file, message: `cannot read ${file}: ${describe(error)}` } };
  }
}

async function* readJsonLines(file: string): AsyncGenerator<ReadEvent> {
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      const text = lineNumber === 1 ? line.replace(/^\uFEFF/, "") : line;
      if (text.trim() === "") continue;
      yield parseJsonLine(file, lineNumber, text);
    }
  } catch (error) {
    yield { error: { source: file, message: `cannot read ${file}: ${describe(error)}` } };
  }
}

function parseJsonLine(file: string, lineNumber: number, line: string): ReadEvent {
  const where = `${file}:${lineNumber}`;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    return { error: { source: where, message: `invalid JSON at ${where}: ${describe(error)}` } };
  }
  const { title, content, url } = (record ?? {}) as Record<string, unknown>;
  if (typeof content !== "string") {
    return { error: { source: where, message: `missing "content" string at ${where}: each line needs {"title", "content", "url"?}` } };
  }
  if (content.trim() === "") {
    return { error: { source: where, message: `empty "content" at ${where}: a post needs text to index` } };
  }
  if (Buffer.byteLength(content) > MAX_FILE_BYTES) {
    return { error: { source: where, message: `skipped ${where}: content of ${Buffer.byteLength(content)} bytes is over the ${MAX_FILE_BYTES}-byte limit` } };
  }
  if (title !== undefined && typeof title !== "string") {
    return { error: { source: where, message: `invalid "title" at ${where}: expected a string` } };
  }
  if (url !== undefined && (typeof url !== "string" || !isWebUrl(url))) {
    return { error: { source: where, message: `invalid "url" at ${where}: expected an http or https URL` } };
  }
  const source = url ? url : where;
  return { post: { source, title: title?.trim() || titleOfDocument(content, ".txt"), url: url ?? "", content } };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes UTF-8 text without its byte order mark; null for invalid UTF-8 or NUL bytes, which mark binary data. */
function decodeText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return strictUtf8.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return null;
  }
}

function isWebUrl(text: string): boolean {
  if (text === "") return true;
  try {
    const protocol = new URL(text).protocol;
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
