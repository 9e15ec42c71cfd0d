/** `wpllmseo migrate-embeddings`: convert legacy BLOB embeddings to the JSON and float32 columns. */
import { migrateBlobEmbeddings, type EmbeddingTable, type MigrateBlobsResult } from "../../indexer/migrate-blob-embeddings.js";
import type { Command } from "../command.js";
import { withDb } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, readGlobalOptions, readWholeNumber } from "../options.js";
import { UsageError } from "../usage-error.js";
import { rejectPositionals } from "./schema.js";

const DEFAULT_BATCH = 500;
const TABLES: Record<string, EmbeddingTable[]> = { chunks: ["chunks"], snippets: ["snippets"], all: ["chunks", "snippets"] };

const HELP = `Usage: wpllmseo migrate-embeddings [--table chunks|snippets|all] [--batch N]

Converts the legacy \`embedding\` BLOB column (little-endian float32) of rows
that have no embedding_json yet into embedding_json, embedding_f32,
embedding_dim, embedding_format and a SHA-256 checksum of the float32 bytes.
Rows are read in id order in batches, one transaction per batch, so the
command can be stopped and run again: it continues with what is left.
BLOBs that are not whole float32 arrays or hold non-finite values are left
as they are and listed; the exit status is then 1.

  --table NAME   chunks, snippets or all (default all)
  --batch N      rows per batch and transaction, 1 to 10000 (default ${DEFAULT_BATCH})

${GLOBAL_HELP}`;

export const migrateEmbeddingsCommand: Command = {
  name: "migrate-embeddings",
  summary: "convert legacy BLOB embeddings to embedding_json with checksums",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { table: { type: "string" }, batch: { type: "string" } });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    rejectPositionals("migrate-embeddings", positionals);
    const tableName = typeof values.table === "string" ? values.table : "all";
    const tables = TABLES[tableName];
    if (!tables) throw new UsageError(`Invalid --table "${tableName}": use chunks, snippets or all.`);
    const batchSize = readWholeNumber("batch", values.batch, DEFAULT_BATCH, { min: 1, max: 10_000 });
    const options = readGlobalOptions(values);

    return withDb(options, false, async (db, log) => {
      const results: Record<string, MigrateBlobsResult> = {};
      for (const table of tables) {
        results[table] = await migrateBlobEmbeddings(db, {
          table,
          batchSize,
          onBatch: (progress) => log.info({ table, ...progress, failedIds: undefined }, "migrating embeddings"),
        });
      }
      const failed = Object.values(results).reduce((sum, result) => sum + result.failed, 0);
      if (options.json) process.stdout.write(`${JSON.stringify(results)}\n`);
      else {
        for (const [table, result] of Object.entries(results)) {
          const ids = result.failedIds.length > 0 ? ` (ids: ${result.failedIds.join(", ")})` : "";
          process.stdout.write(`${table}: ${result.converted} converted, ${result.failed} failed${ids}\n`);
        }
      }
      return failed > 0 ? 1 : 0;
    });
  },
};
