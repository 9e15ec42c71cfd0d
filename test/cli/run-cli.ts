import { spawn } from "node:child_process";
import path from "node:path";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIN = path.resolve("bin/wpllmseo.js");

/** Runs the built CLI in a child process with WPLLMSEO_DB unset unless given. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, WPLLMSEO_DB: "", WPLLMSEO_PREFIX: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
