/**
 * Picks a title for a document that has no title field: the front matter
 * `title`, the first Markdown heading, the HTML <title> or first <h1>, or
 * else the first line of text.
 */
import { toPlainText } from "../indexer/plain-text.js";

const MAX_TITLE_CHARS = 200;
const FIRST_LINE_SCAN = 50;

export function titleOfDocument(content: string, extension: string): string {
  const candidates =
    extension === ".html" || extension === ".htm"
      ? [matchFirst(content, /<title[^>]*>([\s\S]*?)<\/title>/i), matchFirst(content, /<h1[^>]*>([\s\S]*?)<\/h1>/i)]
      : [
          matchFirst(content, /^---[ \t]*\n(?:.*\n)*?title:[ \t]*["']?(.+?)["']?[ \t]*\n(?:.*\n)*?---/),
          matchFirst(content, /^#[ \t]+(.+?)[ \t]*#*[ \t]*$/m),
          matchFirst(content, /^##[ \t]+(.+?)[ \t]*#*[ \t]*$/m),
        ];

  for (const candidate of [...candidates, firstLine(content)]) {
    const title = candidate === undefined ? "" : toPlainText(candidate).replace(/\s+/g, " ").trim();
    if (title) return truncate(title);
  }
  return "";
}

function matchFirst(content: string, pattern: RegExp): string | undefined {
  return pattern.exec(content)?.[1];
}

/** Returns the first line with text, looking at the first FIRST_LINE_SCAN lines only. */
function firstLine(content: string): string | undefined {
  const lines = content.split("\n", FIRST_LINE_SCAN);
  return lines.map((line) => toPlainText(line)).find((line) => line !== "");
}

function truncate(title: string): string {
  return title.length <= MAX_TITLE_CHARS ? title : `${title.slice(0, MAX_TITLE_CHARS - 1)}…`;
}
