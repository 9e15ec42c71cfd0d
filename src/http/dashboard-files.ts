/**
 * The dashboard's static files, read once from `public/` when the server
 * starts. Only the files listed here are served, each at a fixed path, so
 * no part of a request URL ever reaches the file system.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

const FILES: Record<string, { file: string; contentType: string }> = {
  "/": { file: "index.html", contentType: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", contentType: "text/javascript; charset=utf-8" },
  "/chart.js": { file: "chart.js", contentType: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", contentType: "text/css; charset=utf-8" },
};

/**
 * Content-Security-Policy of the dashboard: scripts, styles and requests to
 * this origin only, no frames, no plugins, no inline code.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Finds public/ from src/http (vitest) or dist/src/http (the build). */
function findPublicDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, "../../public"), path.resolve(here, "../../../public")];
  const found = candidates.find((dir) => existsSync(path.join(dir, "index.html")));
  if (found === undefined) {
    throw new Error(`Dashboard files not found in ${candidates.join(" or ")}: reinstall the package or restore public/.`);
  }
  return found;
}

/** Reads the dashboard files into memory, keyed by URL path. */
export function loadDashboardFiles(): Map<string, StaticFile> {
  const dir = findPublicDir();
  const files = new Map<string, StaticFile>();
  for (const [urlPath, { file, contentType }] of Object.entries(FILES)) {
    files.set(urlPath, { body: readFileSync(path.join(dir, file)), contentType });
  }
  return files;
}
