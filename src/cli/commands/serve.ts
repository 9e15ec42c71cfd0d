/** `wpllmseo serve`: the HTTP API and dashboard, with a graceful stop on SIGINT or SIGTERM. */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";

import { MIN_ADMIN_TOKEN_CHARS } from "../../http/admin-token.js";
import {
  DEFAULT_SEARCH_BURST,
  DEFAULT_SEARCH_RATE_PER_SECOND,
  listenUrl,
  startHttpServer,
} from "../../http/server.js";
import type { Command } from "../command.js";
import { withEngine } from "../context.js";
import { checkDbUrl, GLOBAL_HELP, parseCommandArgs, readGlobalOptions, readWholeNumber } from "../options.js";
import { rejectPositionals } from "./schema.js";

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_GRACE_MS = 10_000;

const HELP = `Usage: wpllmseo serve [--host ADDRESS] [--port N] [options]

Serves the HTTP API and the dashboard until SIGINT or SIGTERM
(docs/HTTP.md lists every endpoint):
  GET /                    the dashboard
  GET /search?q=TEXT&k=N   ranked posts as JSON (q at most 512 characters,
                           k from 1 to 100, default 10; &explain=true adds ranks)
  GET /health              database, WASM and thread status; 503 when not ready
  GET /metrics             Prometheus metrics
  /api/...                 queue status, dead letters, posts: need
                           Authorization: Bearer $WPLLMSEO_ADMIN_TOKEN

  --host ADDRESS      address to listen on (default ${DEFAULT_HOST})
  --port N            TCP port, 0 for any free port (default ${DEFAULT_PORT})
  --threads N         worker threads that score vectors (default: one per core)
  --read-db URL       read posts, tokens and vectors from this database (a replica);
                      --db still receives writes (default: none, --db serves both)
  --rate-limit N      searches per second per client IP address, 0 for no limit
                      (default ${DEFAULT_SEARCH_RATE_PER_SECOND})
  --burst N           searches a client may send at once before the rate applies
                      (default ${DEFAULT_SEARCH_BURST})
  --grace-ms MS       on SIGINT or SIGTERM, time in milliseconds that requests in
                      flight get to finish before their connections are closed
                      (default ${DEFAULT_GRACE_MS}); a second signal closes them at once

Environment:
  WPLLMSEO_ADMIN_TOKEN   bearer token of the /api endpoints, at least ${MIN_ADMIN_TOKEN_CHARS}
                         characters; without it they answer 403

${GLOBAL_HELP}`;

export const serveCommand: Command = {
  name: "serve",
  summary: "serve the HTTP API, metrics and the dashboard",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      host: { type: "string" },
      port: { type: "string" },
      threads: { type: "string" },
      "read-db": { type: "string" },
      "rate-limit": { type: "string" },
      burst: { type: "string" },
      "grace-ms": { type: "string" },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    rejectPositionals("serve", positionals);
    const port = readWholeNumber("port", values.port, DEFAULT_PORT, { min: 0, max: 65_535 });
    const threads = readWholeNumber("threads", values.threads, 0, { min: 1, max: 256 }) || undefined;
    const searchRatePerSecond = readWholeNumber("rate-limit", values["rate-limit"], DEFAULT_SEARCH_RATE_PER_SECOND, { min: 0, max: 1_000_000 });
    const searchBurst = readWholeNumber("burst", values.burst, DEFAULT_SEARCH_BURST, { min: 1, max: 1_000_000 });
    const graceMs = readWholeNumber("grace-ms", values["grace-ms"], DEFAULT_GRACE_MS, { min: 0, max: 3_600_000 });
    const host = typeof values.host === "string" ? values.host : DEFAULT_HOST;
    const options = readGlobalOptions(values);
    const adminToken = process.env["WPLLMSEO_ADMIN_TOKEN"];

    const readDbUrl = typeof values["read-db"] === "string" ? values["read-db"] : undefined;
    if (readDbUrl !== undefined) checkDbUrl(readDbUrl, "--read-db");
    return withEngine({ ...options, threads, readDbUrl }, async (engine) => {
      const app = await startHttpServer(engine, { host, port, adminToken, searchRatePerSecond, searchBurst });
      engine.log.info(
        { url: listenUrl(app), db: engine.db.displayUrl, admin: adminToken ? "enabled" : "disabled", graceMs },
        "listening",
      );
      await waitForStop(app, graceMs, engine.log);
      return 0;
    });
  },
};

/**
 * Resolves once the server has stopped after SIGINT or SIGTERM. The first
 * signal stops accepting connections and lets requests in flight finish for
 * up to `graceMs`, then closes the connections left. A second signal closes
 * them at once. The caller then closes the pool and the databases.
 */
function waitForStop(app: FastifyInstance, graceMs: number, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    let closing: Promise<void> | null = null;
    const closeConnections = (reason: string) => {
      log.warn({ reason }, "closing connections with requests still in flight");
      app.server.closeAllConnections();
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing !== null) {
        closeConnections(`second ${signal}`);
        return;
      }
      log.info({ signal, graceMs }, "stopping: no new connections; waiting for requests in flight");
      const timer = setTimeout(() => closeConnections(`grace period of ${graceMs} ms ended`), graceMs);
      closing = app.close().finally(() => {
        clearTimeout(timer);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        log.info("server stopped; closing the pool and the database");
        resolve();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
