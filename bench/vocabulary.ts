/**
 * An English vocabulary ranked by frequency, counted from the README files
 * of the installed packages in node_modules, so the synthetic corpus uses
 * real words with a real frequency order.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";

/** Words of 3 or more lower-case Latin letters, after lower-casing. */
const WORD = /[a-z]{3,}/g;

/** Lists README.md files of top-level and scoped packages, sorted for a stable order. */
export function findReadmes(nodeModules: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(nodeModules).sort()) {
    const packageDirs = entry.startsWith("@")
      ? readdirSync(path.join(nodeModules, entry)).sort().map((name) => path.join(nodeModules, entry, name))
      : [path.join(nodeModules, entry)];
    for (const dir of packageDirs) {
      const readme = path.join(dir, "README.md");
      if (existsSync(readme)) files.push(readme);
    }
  }
  return files;
}

/**
 * Returns up to `maxWords` words ranked by count (ties in alphabetical
 * order), from prose only: fenced code blocks, inline code and URLs are
 * dropped first.
 */
export function buildVocabulary(files: readonly string[], maxWords: number): string[] {
  const counts = new Map<string, number>();
  for (const file of files) {
    const prose = readFileSync(file, "utf8")
      .replace(/```[\s\S]*?```/g, " ")
      .replace(/`[^`]*`/g, " ")
      .replace(/https?:\/\/\S+/g, " ")
      .toLowerCase();
    for (const word of prose.match(WORD) ?? []) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxWords)
    .map(([word]) => word);
}
