import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

import { describe, expect, it } from "vitest";

import { NODE_HEAP_FLAGS } from "../../src/node-flags.js";

const BIN = path.resolve("bin/wpllmseo.js");

describe("bin/wpllmseo.js", () => {
  it("starts Node with the heap flags the memory bench measures", async () => {
    const firstLine = (await readFile(BIN, "utf8")).split("\n", 1)[0];
    expect(firstLine).toBe(`#!/usr/bin/env -S node ${NODE_HEAP_FLAGS.join(" ")}`);
  });

  it("runs as an executable through its #! line", async () => {
    const { stdout } = await promisify(execFile)(BIN, ["--help"]);
    expect(stdout).toMatch(/^Usage: wpllmseo <command>/m);
  });
});
