/** `wpllmseo sync --wordpress`: store and enqueue new and changed WordPress posts, remove deleted ones. */
import type { Logger } from "pino";

import {
  DEFAULT_SYNC_BATCH,
  LOOKBACK_SECONDS,
  syncWordPress,
  SyncSourceError,
  type SyncOptions,
  type SyncResult,
  type WordPressSource,
} from "../../sources/wordpress-sync.js";
import type { Db } from "../../store/db.js";
import { openDb } from "../../store/open-db.js";
import type { Command } from "../command.js";
import { withDb } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, readGlobalOptions, readWholeNumber } from "../options.js";
import { POST_FILTER_HELP, POST_FILTER_OPTIONS, readPostFilter } from "../post-filter-options.js";
import { UsageError } from "../usage-error.js";
import { rejectPositionals } from "./schema.js";

const HELP = `Usage: wpllmseo sync --wordpress [options]

Reads WordPress's <prefix>posts table, stores and enqueues the posts that
are new or changed since the last sync (by post_modified_gmt, with a
watermark kept in the wpllmseo_meta table), and deletes the chunks and
tokens of posts that were deleted, trashed or unpublished. Each round reads
again the last ${LOOKBACK_SECONDS} seconds before the watermark; unchanged posts enqueue
nothing. Finding deleted posts checks every synced post's ID against the
table, one batch per query.

  --wordpress           read from a WordPress database (required)
  --wp-db URL           the WordPress database (default: the --db database)
  --wp-prefix NAME      WordPress's table prefix (default wp_)
${POST_FILTER_HELP}
  --watch SECONDS       repeat every SECONDS until SIGINT or SIGTERM, logging each round
  --batch N             posts read per query, 1 to 10000 (default ${DEFAULT_SYNC_BATCH})
  --replace-source      follow this WordPress database even though the posts came
                        from another one; the round removes the other one's posts

Posts are stored as wordpress:<ID> with the guid as url, so one --prefix
serves one WordPress site: the first sync records its database and table,
and a sync from another one is rejected without --replace-source. SIGINT or
SIGTERM stops after the current batch.

${GLOBAL_HELP}`;

const SYNC_OPTIONS = {
  ...POST_FILTER_OPTIONS,
  wordpress: { type: "boolean", default: false },
  "wp-db": { type: "string" },
  "wp-prefix": { type: "string" },
  watch: { type: "string" },
  batch: { type: "string" },
  "replace-source": { type: "boolean", default: false },
} as const;

export const syncCommand: Command = {
  name: "sync",
  summary: "store new and changed WordPress posts and enqueue them; remove deleted ones",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, SYNC_OPTIONS);
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    rejectPositionals("sync", positionals);
    if (values.wordpress !== true) {
      throw new UsageError("Missing --wordpress: sync reads a WordPress posts table, as in `wpllmseo sync --wordpress`.");
    }
    const options = readGlobalOptions(values);
    const filter = readPostFilter(values);
    const watchSeconds = values.watch === undefined ? null : readWholeNumber("watch", values.watch, 0, { min: 1, max: 86_400 });
    const batchSize = readWholeNumber("batch", values.batch, DEFAULT_SYNC_BATCH, { min: 1, max: 10_000 });
    const wpPrefix = (values["wp-prefix"] as string | undefined) ?? "wp_";
    const wpDbUrl = values["wp-db"] as string | undefined;

    return withDb(options, true, async (db, log) => {
      const wordpressDb = wpDbUrl === undefined ? db : await openDb(wpDbUrl, { prefix: options.prefix, mustExist: true });
      try {
        const source: WordPressSource = { db: wordpressDb, prefix: wpPrefix };
        const replaceSource = values["replace-source"] === true;
        const rounds = new SyncRounds(db, source, { filter, batchSize, replaceSource }, log);
        const result = await rounds.run(watchSeconds);
        if (watchSeconds === null && result !== null) {
          process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `Synced ${wordpressDb.displayUrl} into ${db.displayUrl}: ${describeRound(result)}.\n`);
        }
        return 0;
      } finally {
        if (wordpressDb !== db) await wordpressDb.close();
      }
    });
  },
};

/** Runs sync rounds once or on an interval, and stops them on SIGINT or SIGTERM. */
class SyncRounds {
  #stopRequested = false;
  #wake: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly source: WordPressSource,
    private readonly options: Pick<SyncOptions, "filter" | "batchSize" | "replaceSource">,
    private readonly log: Logger,
  ) {}

  /** Runs one round, or rounds every `watchSeconds` until a signal; returns the last round's result. */
  async run(watchSeconds: number | null): Promise<SyncResult | null> {
    const onSignal = (signal: NodeJS.Signals) => {
      this.log.info({ signal }, "stopping sync after the current batch");
      this.#stopRequested = true;
      this.#wake?.();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      if (watchSeconds === null) return await this.#round(1);
      return await this.#watch(watchSeconds);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }

  async #watch(seconds: number): Promise<SyncResult | null> {
    this.log.info({ intervalSeconds: seconds, db: this.source.db.displayUrl }, "sync watch started");
    let last: SyncResult | null = null;
    for (let round = 1; !this.#stopRequested; round++) {
      try {
        last = await this.#round(round);
      } catch (error) {
        if (error instanceof SyncSourceError) throw error;
        this.log.error({ err: error, round }, `sync round ${round} failed; the next round runs in ${seconds} s`);
      }
      if (!this.#stopRequested) await this.#sleep(seconds * 1000);
    }
    this.log.info("sync watch stopped");
    return last;
  }

  async #round(round: number): Promise<SyncResult> {
    const started = performance.now();
    const result = await syncWordPress(this.db, this.source, { ...this.options, shouldStop: () => this.#stopRequested });
    const ms = Math.round(performance.now() - started);
    this.log.info({ round, ...result, ms }, `sync round ${round}: ${describeRound(result)}`);
    return result;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function describeRound(result: SyncResult): string {
  const counts =
    `${result.scanned} read, ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged,` +
    ` ${result.removed} removed; ${result.added + result.updated} jobs enqueued`;
  return result.stopped ? `${counts} (stopped early by a signal)` : counts;
}
