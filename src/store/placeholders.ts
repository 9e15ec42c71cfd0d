/** Returns `count` comma-separated `?` placeholders for an IN list or a VALUES row. */
export function placeholders(count: number): string {
  return new Array<string>(count).fill("?").join(", ");
}
