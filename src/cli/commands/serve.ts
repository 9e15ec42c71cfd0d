/** `wpllmseo serve`: the HTTP search API. */
import { startHttpServer } from "../../http/server.js";
import type { Command } from "../command.js";
import { withEngine } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, readGlobalOptions, readWholeNumber } from "../options.js";
import { rejectPositionals } from "./schema.js";

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = "127.0.0.1";

const HELP = `Usage: wpllmseo serve [--host ADDRESS] [--port N] [--threads N]

Serves the HTTP API until SIGINT or SIGTERM:
  GET /search?q=TEXT&k=N   ranked posts as JSON (k from 1 to 100, default 10)
  GET /health              database and WASM status; 503 when the database is unreachable

  --host ADDRESS   address to listen on (default ${DEFAULT_HOST})
  --port N         TCP port, 0 for any free port (default ${DEFAULT_PORT})
  --threads N      worker threads that score vectors (default: one per core)
  --read-db URL    read posts, tokens and vectors from this database (a replica);
                   --db still receives writes

${GLOBAL_HELP}`;

export const serveCommand: Command = {
  name: "serve",
  summary: "serve the HTTP search API",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      host: { type: "string" },
      port: { type: "string" },
      threads: { type: "string" },
      "read-db": { type: "string" },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    rejectPositionals("serve", positionals);
    const port = readWholeNumber("port", values.port, DEFAULT_PORT, { min: 0, max: 65_535 });
    const threads = readWholeNumber("threads", values.threads, 0, { min: 1, max: 256 }) || undefined;
    const host = typeof values.host === "string" ? values.host : DEFAULT_HOST;
    const options = readGlobalOptions(values);

    const readDbUrl = typeof values["read-db"] === "string" ? values["read-db"] : undefined;
    return withEngine({ ...options, threads, readDbUrl }, async (engine) => {
      const server = await startHttpServer(engine, { host, port });
      const address = server.address();
      const listenUrl = typeof address === "object" && address ? `http://${address.address}:${address.port}` : String(address);
      engine.log.info({ url: listenUrl, db: engine.db.displayUrl }, "listening");
      await new Promise<void>((resolve) => {
        const stop = () => {
          engine.log.info("stopping: closing connections");
          server.close(() => resolve());
          server.closeIdleConnections();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      return 0;
    });
  },
};
