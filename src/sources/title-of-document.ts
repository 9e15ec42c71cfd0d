/**
 * Picks a title for a document that has no title field: the front matter
 * `title`, the first Markdown heading, the HTML <title> or first <h1>, or
 * else the first line of text.
 */
import { toPlainText } from "../indexer/plain-text.js";

const HTML_TITLE = /<title[^>]*>([\s\S]*?)<\/title>/i;
const HTML_H1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i;
const FRONT_MATTER_TITLE = /^---[ \t]*\n(?:.*\n)*?title:[ \t]*["']?(.+?)["']?[ \t]*\n(?:.*\n)*?---/;
const MARKDOWN_H1 = /^#[ \t]+(.+?)[ \t]*#*[ \t]*$/m;
const MARKDOWN_H2 = /^##[ \t]+(.+?)[ \t]*#*[ \t]*$/m;

/** A run of rule and comment characters that starts a line and ends at a space or the line's end. */
const BANNER_START = /^\s*[*=#/\\\-_~+|<>!;:]+(?=\s|$)/;
/** Such a run that ends a line after a space. */
const BANNER_END = /(?<=^|\s)[*=#/\\\-_~+|<>!;:]+\s*$/;

const MAX_TITLE_CHARS = 200;
const FIRST_LINE_SCAN = 50;

/**
 * `folderName` is the name of the folder that contains the file. It titles
 * a README or index file without a top-level heading, because such a file
 * is named after the project or section its folder contains.
 */
export function titleOfDocument(content: string, extension: string, folderName = ""): string {
  const html = extension === ".html" || extension === ".htm";
  const prose = html ? content : withoutCodeBlocks(content);
  const candidates = html
    ? [matchFirst(content, HTML_TITLE), matchFirst(content, HTML_H1)]
    : [matchFirst(content, FRONT_MATTER_TITLE), matchFirst(prose, MARKDOWN_H1), matchFirst(prose, HTML_H1)];
  if (folderName) candidates.push(folderName);
  if (!html) candidates.push(matchFirst(prose, MARKDOWN_H2));

  for (const candidate of [...candidates, firstLine(content)]) {
    const title = candidate === undefined ? "" : toPlainText(candidate).replace(/\s+/g, " ").trim();
    if (title) return truncate(title);
  }
  return "";
}

/** Blanks the lines of fenced Markdown code blocks (``` or ~~~), whose `# ` lines are code, not headings. */
function withoutCodeBlocks(content: string): string {
  let fence = "";
  return content
    .split("\n")
    .map((line) => {
      const marker = /^[ \t]{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === "" && marker) {
        fence = marker;
        return "";
      }
      if (fence !== "") {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = "";
        return "";
      }
      return line;
    })
    .join("\n");
}

function matchFirst(content: string, pattern: RegExp): string | undefined {
  return pattern.exec(content)?.[1];
}

/**
 * Returns the first line with a letter or digit, looking at the first
 * FIRST_LINE_SCAN lines only, without the rules and comment marks that
 * frame it in a banner such as `/* ==== *\/` or `#### Notes ####`.
 */
function firstLine(content: string): string | undefined {
  const lines = content.split("\n", FIRST_LINE_SCAN);
  return lines
    .map((line) => toPlainText(line).replace(BANNER_START, "").replace(BANNER_END, "").trim())
    .find((line) => /[\p{L}\p{N}]/u.test(line));
}

function truncate(title: string): string {
  return title.length <= MAX_TITLE_CHARS ? title : `${title.slice(0, MAX_TITLE_CHARS - 1)}…`;
}
