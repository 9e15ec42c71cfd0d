/**
 * The bearer token that guards the admin endpoints. Only SHA-256 digests
 * are compared, with crypto.timingSafeEqual, so the time a comparison takes
 * reveals neither the token's length nor how much of a guess matched.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** Minimum token length in characters, because shorter tokens could be found by trying values. */
export const MIN_ADMIN_TOKEN_CHARS = 16;

export type AdminCheck = "ok" | "disabled" | "missing" | "invalid";

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

export class AdminToken {
  readonly #digest: Buffer | null;

  /** `token` undefined or empty leaves the admin endpoints disabled. */
  constructor(token: string | undefined) {
    if (token === undefined || token === "") {
      this.#digest = null;
      return;
    }
    if (token.length < MIN_ADMIN_TOKEN_CHARS || /\s/.test(token)) {
      throw new RangeError(
        `Invalid WPLLMSEO_ADMIN_TOKEN of ${token.length} characters: use at least ${MIN_ADMIN_TOKEN_CHARS} characters` +
          " without white space, such as the output of `openssl rand -hex 32`.",
      );
    }
    this.#digest = digest(token);
  }

  get enabled(): boolean {
    return this.#digest !== null;
  }

  /** Checks an Authorization header value of the form `Bearer <token>`. */
  check(authorization: string | undefined): AdminCheck {
    if (this.#digest === null) return "disabled";
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? "");
    if (!match) return "missing";
    return timingSafeEqual(digest(match[1] as string), this.#digest) ? "ok" : "invalid";
  }
}
