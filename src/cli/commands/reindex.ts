/**
 * `wpllmseo reindex` and `wpllmseo reembed`: enqueue embed jobs for stored
 * posts that have no chunks of the configured embedder.
 */
import type { Logger } from "pino";

import { describeEmbedder } from "../../embedders/embedder-config.js";
import { countChunksByVersion, countPostsToEnqueue, enqueuePosts, type VersionCount } from "../../indexer/enqueue-posts.js";
import type { Db } from "../../store/db.js";
import type { Command } from "../command.js";
import { withDb } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, readGlobalOptions, type GlobalOptions } from "../options.js";
import { Progress } from "../progress.js";
import { rejectPositionals } from "./schema.js";
import { printResult } from "./worker-maintenance.js";

const BATCH_SIZE = 500;

const REINDEX_HELP = `Usage: wpllmseo reindex [--all]

Enqueues an embed_post job for every stored post that has no chunks of the
current embedder (never indexed, indexed with another embedder, model or
stop-word list, or whose job was cleared or purged before it ran). With
--all, every post is enqueued. A post that already has a queued or running
job keeps it. Run \`wpllmseo worker run\` afterwards.

  --all    enqueue every post, indexed or not

${GLOBAL_HELP}`;

const REEMBED_HELP = `Usage: wpllmseo reembed [--embedder NAME --embed-model NAME ...]

Moves the index to the configured embedder after a change of embedder,
model, dimension or stop words. Prints the chunks stored per embedding
version, then enqueues an embed_post job for every post whose chunks are of
another version or that has no chunks, showing progress. Run
\`wpllmseo worker run\` with the same embedder options afterwards.

Search keeps working while the posts are embedded again: it scores only
vectors of the configured version and counts the others, so the posts not
yet embedded again are found by the lexical leg alone until their jobs run.

${GLOBAL_HELP}`;

export const reindexCommand: Command = {
  name: "reindex",
  summary: "enqueue posts that have no chunks of the current embedder (or --all)",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { all: { type: "boolean", default: false } });
    if (values.help) {
      process.stdout.write(`${REINDEX_HELP}\n`);
      return 0;
    }
    rejectPositionals("reindex", positionals);
    const options = readGlobalOptions(values);
    return withDb(options, false, (db, log) => enqueueWithProgress(db, log, options, values.all === true));
  },
};

export const reembedCommand: Command = {
  name: "reembed",
  summary: "enqueue posts whose chunks are of another embedder, model or dimension",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {});
    if (values.help) {
      process.stdout.write(`${REEMBED_HELP}\n`);
      return 0;
    }
    rejectPositionals("reembed", positionals);
    const options = readGlobalOptions(values);
    return withDb(options, false, async (db, log) => {
      const { version } = describeEmbedder(options.embedder);
      const counts = await countChunksByVersion(db);
      if (!options.json) process.stdout.write(formatVersionCounts(counts, version));
      return enqueueWithProgress(db, log, options, false, counts);
    });
  },
};

async function enqueueWithProgress(
  db: Db,
  log: Logger,
  options: GlobalOptions,
  all: boolean,
  versions?: VersionCount[],
): Promise<number> {
  const { version } = describeEmbedder(options.embedder);
  const total = await countPostsToEnqueue(db, { version, all });
  const progress = new Progress("enqueue", log);
  const result = await enqueuePosts(db, {
    version,
    all,
    batchSize: BATCH_SIZE,
    onProgress: (batchPosts, sofar) => {
      progress.tick(`${sofar.enqueued + sofar.alreadyQueued} of ${total} posts`, batchPosts);
    },
  });
  progress.done();
  log.info({ ...result, version }, "enqueued posts for indexing");
  const data = versions === undefined ? result : { ...result, version, versions };
  printResult(options.json, data, `Enqueued ${result.enqueued} posts for ${version}; ${result.alreadyQueued} already had a job.`);
  return 0;
}

function formatVersionCounts(counts: readonly VersionCount[], version: string): string {
  if (counts.length === 0) return "No chunks stored yet.\n";
  const lines = counts.map((count) => {
    const mark = count.version === version ? " (configured)" : "";
    return `  ${count.version ?? "(none)"}${mark}: ${count.chunks} chunks in ${count.posts} posts`;
  });
  return `Chunks per embedding version:\n${lines.join("\n")}\n`;
}
