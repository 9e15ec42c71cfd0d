/**
 * Turns post content (HTML with WordPress shortcodes, Markdown or plain text)
 * into readable plain text for chunks and excerpts. Block-level tags become
 * paragraph breaks so the chunker can split on them; the tokenizer does its
 * own, stricter clean-up on top of this.
 */
import { decodeEntities } from "./entities.js";

const HIDDEN_ELEMENTS = /<(head|title|script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENTS = /<!--[\s\S]*?-->/g;
/** `<!DOCTYPE ...>`, `<![CDATA[` markers and processing instructions such as `<?xml ...?>`. */
const DECLARATIONS = /<[!?][^>]*>/g;
/** Markdown heading markers and code fence lines; the text they mark stays. */
const MARKDOWN_MARKERS = /^(?:#{1,6}[ \t]+|(?:```|~~~).*$)/gm;
/** YAML front matter at the very start of a Markdown file. */
const FRONT_MATTER = /^---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/;
const BLOCK_TAGS =
  /<\/?(p|div|section|article|header|footer|h[1-6]|ul|ol|li|table|tr|blockquote|pre|figure|figcaption|br|hr)\b[^>]*>/gi;
const OTHER_TAGS = /<\/?[a-zA-Z][^>]*>/g;
const SHORTCODES = /\[\/?[a-zA-Z][\w-]*(?:\s[^\]]*)?\/?\]/g;
/** Inline `![alt](src)` and reference `![alt][id]` images, badges included; their alt text is dropped. */
const MARKDOWN_IMAGES = /!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])/g;
/**
 * Inline `[text](href)` and reference `[text][id]` links keep their text; links left empty by an image vanish.
 * A reference id never starts with "/", so an enclosing shortcode whose content was all tags,
 * `[caption id="1"]<img>[/caption]`, is left for SHORTCODES instead of being read as a link.
 */
const MARKDOWN_LINKS = /\[([^\]]*)\](?:\([^)]*\)|\[(?!\/)[^\]]*\])/g;

export function toPlainText(content: string): string {
  const text = content
    .replace(FRONT_MATTER, "")
    .replace(HIDDEN_ELEMENTS, " ")
    .replace(COMMENTS, " ")
    .replace(DECLARATIONS, " ")
    .replace(BLOCK_TAGS, "\n\n")
    .replace(OTHER_TAGS, "")
    .replace(MARKDOWN_MARKERS, "")
    .replace(MARKDOWN_IMAGES, "")
    .replace(MARKDOWN_LINKS, "$1")
    .replace(SHORTCODES, " ");
  return collapseWhitespace(decodeEntities(text));
}

/** Keeps paragraph breaks (blank lines) and folds every other run of white space. */
function collapseWhitespace(text: string): string {
  return text
    .split(/\n[ \t\r\f\v\u00a0]*\n\s*/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .filter((paragraph) => paragraph.length > 0)
    .join("\n\n");
}
