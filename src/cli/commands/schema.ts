/** `wpllmseo upgrade` and `wpllmseo db-version`. */
import type { Db } from "../../store/db.js";
import { SCHEMA_VERSION, readSchemaVersion, upgrade } from "../../store/migrate.js";
import type { Command } from "../command.js";
import { withRawDb } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, readGlobalOptions } from "../options.js";
import { UsageError } from "../usage-error.js";

export const upgradeCommand: Command = {
  name: "upgrade",
  summary: `create or update the tables to schema ${SCHEMA_VERSION}`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { force: { type: "boolean", default: false } });
    if (values.help) {
      process.stdout.write(`Usage: wpllmseo upgrade [--force]

Creates the wpllmseo tables and adds the columns and indexes that existing
tables lack, such as tables the WP LLM SEO plugin created before 1.2.0, and
prints each addition. No row, column or index is dropped or changed. Running
it again changes nothing. --force re-applies every step even when the
recorded version is already ${SCHEMA_VERSION}.

${GLOBAL_HELP}
`);
      return 0;
    }
    rejectPositionals("upgrade", positionals);
    const options = readGlobalOptions(values);
    await withRawDb(options, async (db) => {
      const result = await upgrade(db, { force: values.force === true });
      for (const piece of result.added) process.stdout.write(`added ${piece}\n`);
      process.stdout.write(`${db.displayUrl}: schema ${SCHEMA_VERSION}\n`);
      if (!result.applied) {
        process.stdout.write(
          `The tables were not compared because schema ${SCHEMA_VERSION} was already recorded: ` +
            "run `wpllmseo upgrade --force` to add the columns and indexes they lack.\n",
        );
      }
    });
    return 0;
  },
};

export const dbVersionCommand: Command = {
  name: "db-version",
  summary: "print the schema version recorded in the database",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {});
    if (values.help) {
      process.stdout.write(`Usage: wpllmseo db-version

Prints the schema version (the wpllmseo_db_version option), as
{"schemaVersion": "1.2.0"} with --json, or exits with status 1 when the
database has no wpllmseo schema.

${GLOBAL_HELP}
`);
      return 0;
    }
    rejectPositionals("db-version", positionals);
    const read = async (db: Db) => {
      const version = await readSchemaVersion(db);
      if (version === null) {
        process.stderr.write(`${db.displayUrl} has no wpllmseo schema: run \`wpllmseo upgrade\`.\n`);
        return 1;
      }
      process.stdout.write(options.json ? `${JSON.stringify({ schemaVersion: version })}\n` : `${version}\n`);
      return 0;
    };
    const options = readGlobalOptions(values);
    return withRawDb(options, read, true);
  },
};

export function rejectPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(`Unexpected argument "${positionals[0]}" for ${command}. Run \`wpllmseo ${command} --help\`.`);
  }
}
