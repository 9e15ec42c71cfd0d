/** `wpllmseo reindex`: enqueue embed jobs for stored posts that need them. */
import { hashEmbedderInfo } from "../../embedders/embedder.js";
import { enqueuePosts } from "../../indexer/enqueue-posts.js";
import type { Command } from "../command.js";
import { withDb } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, readGlobalOptions } from "../options.js";
import { rejectPositionals } from "./schema.js";
import { printResult } from "./worker-maintenance.js";

const BATCH_SIZE = 500;

const HELP = `Usage: wpllmseo reindex [--all]

Enqueues an embed_post job for every stored post that has no chunks of the
current embedder (never indexed, indexed with another embedder or stop-word
list, or whose job was cleared or purged before it ran). With --all, every
post is enqueued. A post that already has a queued or running job keeps it.
Run \`wpllmseo worker run\` afterwards.

  --all    enqueue every post, indexed or not

${GLOBAL_HELP}`;

export const reindexCommand: Command = {
  name: "reindex",
  summary: "enqueue posts that have no chunks of the current embedder (or --all)",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { all: { type: "boolean", default: false } });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    rejectPositionals("reindex", positionals);
    const options = readGlobalOptions(values);
    const { version } = hashEmbedderInfo(undefined, options.stopWords);

    return withDb(options, false, async (db, log) => {
      const result = await enqueuePosts(db, { version, all: values.all === true, batchSize: BATCH_SIZE });
      log.info({ ...result, version }, "enqueued posts for indexing");
      printResult(options.json, result, `Enqueued ${result.enqueued} posts; ${result.alreadyQueued} already had a job.`);
      return 0;
    });
  },
};
