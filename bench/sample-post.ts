/**
 * A realistic HTML post of about 5 KB, built from the prose of a package
 * README: headings, paragraphs, a code block, character references and
 * WordPress shortcodes, as a post body from a WordPress export looks.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export const SAMPLE_POST_BYTES = 5 * 1024;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#8217;", '"': "&quot;" };

/** Builds the post from the Markdown file at `readmePath`, stopping at the first block past `maxBytes`. */
export function buildSamplePost(readmePath: string, maxBytes: number = SAMPLE_POST_BYTES): string {
  const blocks = readFileSync(readmePath, "utf8").split(/\n\s*\n/);
  const parts: string[] = ['[caption id="attachment_42" align="alignnone" width="640"]Benchmark post[/caption]'];
  let bytes = Buffer.byteLength(parts[0] as string);
  for (const block of blocks) {
    if (bytes >= maxBytes) break;
    const html = toHtml(block.trim());
    if (html === "") continue;
    parts.push(html);
    bytes += Buffer.byteLength(html) + 1;
  }
  parts.push('[gallery ids="12,13,14" columns="3"]');
  return parts.join("\n");
}

function toHtml(block: string): string {
  if (block === "") return "";
  if (block.startsWith("```")) {
    return `<pre><code>${escapeHtml(block.replace(/^```\w*\n?|```$/g, ""))}</code></pre>`;
  }
  const heading = /^(#{1,6})\s+(.*)$/.exec(block);
  if (heading) {
    const level = Math.min(6, (heading[1] as string).length + 1);
    return `<h${level}>${escapeHtml(heading[2] as string)}</h${level}>`;
  }
  const text = escapeHtml(block.replace(/\s+/g, " ")).replace(/ - /g, " &ndash; ");
  return `<p>${text.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>')}&nbsp;</p>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>'"]/g, (char) => ESCAPES[char] as string);
}

/** Returns the README.md path of an installed package. */
export function resolveReadme(packageName: string): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${packageName}/package.json`);
  return manifest.replace(/package\.json$/, "README.md");
}
