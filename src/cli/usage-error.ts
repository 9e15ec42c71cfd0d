/** Wrong command-line input; the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  readonly code = "WPLLMSEO_USAGE";

  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
