/** `wpllmseo import <paths...>`: store posts from files and enqueue their embed jobs. */
import { importPost, type ImportOutcome } from "../../sources/import-posts.js";
import { readPaths } from "../../sources/read-files.js";
import type { Command } from "../command.js";
import { withDb } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, readGlobalOptions } from "../options.js";
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

Unchanged posts enqueue nothing. A file that cannot be read is reported and
the import goes on; the exit status is then 1.

${GLOBAL_HELP}`;

export const importCommand: Command = {
  name: "import",
  summary: "store posts from Markdown, HTML, text and JSONL files and enqueue them",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {});
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length === 0) {
      throw new UsageError("Missing paths: name the files or folders to import, e.g. `wpllmseo import docs/`.");
    }
    const options = readGlobalOptions(values);

    return withDb(options, true, async (db, log) => {
      const counts: Record<ImportOutcome | "failed", number> = { added: 0, updated: 0, unchanged: 0, failed: 0 };
      const progress = new Progress("import", log);
      for await (const event of readPaths(positionals)) {
        if ("error" in event) {
          counts.failed++;
          progress.clear();
          log.error({ source: event.error.source }, event.error.message);
          continue;
        }
        const result = await importPost(db, event.post);
        counts[result.outcome]++;
        progress.tick(`${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged`);
      }
      progress.done();

      if (options.json) process.stdout.write(`${JSON.stringify(counts)}\n`);
      else {
        process.stdout.write(
          `Imported into ${db.displayUrl}: ${counts.added} added, ${counts.updated} updated,` +
            ` ${counts.unchanged} unchanged, ${counts.failed} failed; ${counts.added + counts.updated} jobs enqueued.\n`,
        );
      }
      return counts.failed > 0 ? 1 : 0;
    });
  },
};
