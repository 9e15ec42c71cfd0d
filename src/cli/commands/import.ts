/** `wpllmseo import <paths...>`: store posts from files and enqueue their embed jobs. */
import { importPost, type ImportOutcome } from "../../sources/import-posts.js";
import { readPaths } from "../../sources/read-files.js";
import type { SourceError } from "../../sources/source-post.js";
import type { Command } from "../command.js";
import { withDb } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, plural, readGlobalOptions } from "../options.js";
import { POST_FILTER_HELP, POST_FILTER_OPTIONS, readPostFilter } from "../post-filter-options.js";
import { Progress } from "../progress.js";
import { UsageError } from "../usage-error.js";

const HELP = `Usage: wpllmseo import <path>... [options]

Reads posts from files and folders and enqueues one embed_post job for each
new or changed post. Folders are read recursively (hidden entries and
symbolic links are skipped).

  .md .markdown .mdx .txt .text   one post per file; the title is the first
                                  heading or line
  .html .htm                      one post per file; the title is <title> or <h1>
  .jsonl .ndjson                  one post per line: {"title", "content", "url"}
  .xml                            a WordPress export (WXR): one post per item of
                                  the chosen types and statuses; only when named,
                                  not inside a folder

Options for WordPress exports:
${POST_FILTER_HELP}

An export is checked whole before any of its posts is stored, so a malformed
file is reported with its line and column and imports nothing. Each exported
post is keyed by its site and post ID, so importing a newer export of the
same site updates the posts that changed.

Unchanged posts enqueue nothing. A file that cannot be read, a file that is
not UTF-8 text, and a second post with the same source (file path, or url of
a JSONL line) are reported and skipped, the import goes on, and the exit
status is then 1. SIGINT or SIGTERM stops after the current post; every
post stored by then has its job.

Progress goes to stderr: on a terminal a bar with the rate in posts per
second and the estimated time left (the files are read once more first to
count the posts), otherwise a log line every 5 seconds.

${GLOBAL_HELP}`;

export const importCommand: Command = {
  name: "import",
  summary: "store posts from Markdown, HTML, text, JSONL and WordPress export files and enqueue them",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, POST_FILTER_OPTIONS);
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length === 0) {
      throw new UsageError("Missing paths: name the files or folders to import, e.g. `wpllmseo import docs/`.");
    }
    const options = readGlobalOptions(values);
    const wxr = readPostFilter(values);

    return withDb(options, true, async (db, log) => {
      const counts: Record<ImportOutcome | "failed", number> = { added: 0, updated: 0, unchanged: 0, failed: 0 };
      // The bar needs the post count up front, which costs a first read of
      // every file, so only a terminal gets it.
      const total = process.stderr.isTTY === true ? await countSourceEvents(positionals) : null;
      const progress = new Progress("import", log, { total });
      const seen = new Set<string>();
      let interrupted = false;
      const onSignal = () => {
        interrupted = true;
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        for await (const event of readPaths(positionals, { wxr })) {
          if (interrupted) break;
          const error = "error" in event ? event.error : duplicateError(seen, event.post.source);
          if (error) {
            counts.failed++;
            log.error({ source: error.source }, error.message);
            progress.tick(describeCounts(counts));
            continue;
          }
          if (!("post" in event)) continue;
          let result;
          try {
            result = await importPost(db, event.post);
          } catch (cause) {
            counts.failed++;
            const reason = cause instanceof Error ? cause.message : String(cause);
            log.error({ source: event.post.source, err: cause }, `storing ${event.post.source} failed: ${reason}`);
            progress.tick(describeCounts(counts));
            continue;
          }
          counts[result.outcome]++;
          progress.tick(describeCounts(counts));
        }
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        progress.done();
      }
      if (interrupted) log.warn("import interrupted by a signal; run it again to import the rest");

      if (options.json) process.stdout.write(`${JSON.stringify(counts)}\n`);
      else {
        process.stdout.write(
          `Imported into ${db.displayUrl}: ${counts.added} added, ${counts.updated} updated,` +
            ` ${counts.unchanged} unchanged, ${counts.failed} failed; ${plural(counts.added + counts.updated, "job")} enqueued.\n`,
        );
      }
      return counts.failed > 0 || interrupted ? 1 : 0;
    });
  },
};

function describeCounts(counts: Record<ImportOutcome | "failed", number>): string {
  return `${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.failed} failed`;
}

/** Counts the posts and unreadable sources under `paths`, one per event the import handles. */
async function countSourceEvents(paths: readonly string[]): Promise<number> {
  let total = 0;
  for await (const _event of readPaths(paths)) total++;
  return total;
}

/** Records `source`; returns an error when an earlier post of this import had the same source. */
function duplicateError(seen: Set<string>, source: string): SourceError | null {
  if (!seen.has(source)) {
    seen.add(source);
    return null;
  }
  return { source, message: `skipped a second post with source ${source}: each file path or url may appear once per import` };
}
