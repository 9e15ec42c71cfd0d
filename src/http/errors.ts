/**
 * The JSON error body of every 4xx and 5xx response,
 * `{ error: { code, message, field? } }`. Messages name the invalid value
 * and the fix. A stack trace or SQL goes to the log, never into a body.
 */

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** An error that the error handler sends with its own status, code and message. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/** Hints sent for each request field that fails its schema. */
export const FIELD_HINTS: Record<string, string> = {
  q: "pass the words to search for, 1 to 512 characters",
  k: "use a whole number from 1 to 100",
  explain: "use true or false",
  id: "use a decimal integer id from 1 to 18446744073709551615",
  limit: "use a whole number from 1 to 1000",
  offset: "use a whole number of 0 or more",
  source: "use 1 to 2048 characters that identify the post, such as its url",
  url: "use an http:// or https:// URL of at most 2048 characters",
  title: "use 1 to 1000 characters",
  content: "use 1 to 1,000,000 characters of text, Markdown or HTML",
};
