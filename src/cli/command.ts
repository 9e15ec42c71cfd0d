/** A CLI command: its name as typed, a one-line summary for the command list, and its runner. */
export interface Command {
  name: string;
  summary: string;
  /** Runs with the arguments after the command name; resolves with the exit code. */
  run(args: readonly string[]): Promise<number>;
}
