import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runCli } from "../cli/run-cli.js";
import { MockEmbeddingServer } from "./mock-embedding-server.js";

const DIM = 32;
const API_KEY = "sk-cli-secret-key-9876543210";

let folder: string;
let db: string;
let mock: MockEmbeddingServer;

/** Returns the openai embedder options that point at the mock. */
function modelOptions(): string[] {
  return ["--embedder", "openai", "--embed-url", `${mock.url}/v1`, "--embed-model", "mock-embed", "--embed-dim", String(DIM)];
}

interface JsonResult {
  title: string;
  explain: { lexicalRank: number | null; vectorRank: number | null };
}

beforeAll(async () => {
  mock = await MockEmbeddingServer.start(DIM);
  folder = await mkdtemp(path.join(os.tmpdir(), "wpllmseo-embed-cli-"));
  db = `sqlite:${path.join(folder, "embed.db")}`;
  await writeFile(path.join(folder, "ducks.md"), "# Ducks\n\nMallard ducks dabble in ponds and eat pondweed.");
  await writeFile(path.join(folder, "owls.md"), "# Owls\n\nBarn owls hunt voles at night.");
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await mock.close();
});

describe("embedder options on the CLI", () => {
  it("reembed --help describes the command", async () => {
    const help = await runCli(["reembed", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: wpllmseo reembed/);
    expect(help.stdout).toContain("--embed-retry-after-cap-ms N");
    expect(help.stdout).toContain("WPLLMSEO_EMBED_API_KEY");
  });

  it("rejects incomplete or invalid settings", async () => {
    const missing = await runCli(["search", "owls", "--db", db, "--embedder", "openai"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/needs --embed-url, --embed-model and --embed-dim/);

    const kind = await runCli(["search", "owls", "--db", db], { WPLLMSEO_EMBEDDER: "bert" });
    expect(kind.status).toBe(2);
    expect(kind.stderr).toMatch(/Invalid \$WPLLMSEO_EMBEDDER "bert": use hash or openai/);

    const batch = await runCli(["search", "owls", "--db", db, ...modelOptions(), "--embed-batch", "0"]);
    expect(batch.status).toBe(2);
    expect(batch.stderr).toMatch(/Invalid --embed-batch "0": use a whole number from 1 to 2048/);
  });

  it("moves an index from hash vectors to the model", async () => {
    expect((await runCli(["import", folder, "--db", db])).status).toBe(0);
    const key = await runCli(["search", "owls", "--db", db, ...modelOptions()], { WPLLMSEO_EMBED_API_KEY: "sk-cli-bad\nkey" });
    expect(key.status).not.toBe(0);
    expect(key.stderr).toMatch(/Invalid WPLLMSEO_EMBED_API_KEY/);
    expect(key.stderr).not.toContain("sk-cli-bad");
    const hashRun = await runCli(["worker", "run", "--until-empty", "--limit", "0", "--json", "--db", db]);
    expect(JSON.parse(hashRun.stdout)).toMatchObject({ completed: 2, failed: 0 });

    const reembed = await runCli(["reembed", "--db", db, ...modelOptions()]);
    expect(reembed.status).toBe(0);
    expect(reembed.stdout).toContain("Chunks per embedding version:\n  hash-v2:384: 2 chunks in 2 posts\n");
    expect(reembed.stdout).toContain("Enqueued 2 posts for openai:mock-embed:32; 0 already had a job.");

    const lexical = await runCli(["search", "barn owls", "--json", "--explain", "--db", db, ...modelOptions()]);
    const during = JSON.parse(lexical.stdout) as JsonResult[];
    expect(during[0]?.title).toBe("Owls");
    expect(during[0]?.explain.lexicalRank).toBe(1);
    expect(during[0]?.explain.vectorRank).toBeNull();

    const env = {
      WPLLMSEO_EMBED_API_KEY: API_KEY,
      WPLLMSEO_EMBEDDER: "openai",
      WPLLMSEO_EMBED_URL: mock.url,
      WPLLMSEO_EMBED_MODEL: "mock-embed",
      WPLLMSEO_EMBED_DIM: String(DIM),
    };
    const modelRun = await runCli(["worker", "run", "--until-empty", "--limit", "0", "--json", "--verbose", "--db", db], env);
    expect(modelRun.status).toBe(0);
    expect(JSON.parse(modelRun.stdout)).toMatchObject({ completed: 2, failed: 0 });
    expect(modelRun.stderr).toContain('"embedder":"openai:mock-embed:32"');
    expect(modelRun.stderr).not.toContain(API_KEY);
    const posted = mock.requests.filter((request) => request.input.some((input) => input.startsWith("Owls")));
    expect(posted.length).toBeGreaterThan(0);
    for (const request of posted) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);

    const vector = await runCli(["search", "barn owls", "--json", "--explain", "--db", db], env);
    const after = JSON.parse(vector.stdout) as JsonResult[];
    expect(after[0]?.title).toBe("Owls");
    expect(after[0]?.explain.vectorRank).toBe(1);
  });
});
