import { describe, expect, it } from "vitest";

import { AdminToken } from "../../src/http/admin-token.js";
import { RateLimiter } from "../../src/http/rate-limit.js";

describe("RateLimiter", () => {
  it("refills tokens at the rate up to the burst", () => {
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3 });
    const taken = [0, 0, 0, 0].map(() => limiter.take("a", 1000).allowed);
    expect(taken).toEqual([true, true, true, false]);
    expect(limiter.take("a", 1000).retryAfterSeconds).toBe(1);
    expect(limiter.take("a", 1500).allowed).toBe(true);
    expect(limiter.take("a", 1500).allowed).toBe(false);
    expect(limiter.take("a", 60_000).allowed).toBe(true);
    expect(limiter.take("b", 1000).allowed).toBe(true);
  });

  it("drops the least recently used client when full", () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxClients: 2 });
    expect(limiter.take("a", 0).allowed).toBe(true);
    expect(limiter.take("b", 0).allowed).toBe(true);
    expect(limiter.take("c", 0).allowed).toBe(true);
    expect(limiter.take("b", 0).allowed).toBe(false);
    expect(limiter.take("a", 0).allowed).toBe(true);
  });

  it("allows everything at rate 0", () => {
    const limiter = new RateLimiter({ ratePerSecond: 0, burst: 1 });
    expect(limiter.enabled).toBe(false);
    expect([1, 2, 3].every(() => limiter.take("a").allowed)).toBe(true);
  });

  it("rejects invalid settings", () => {
    expect(() => new RateLimiter({ ratePerSecond: -1, burst: 1 })).toThrow("Invalid rate limit -1");
    expect(() => new RateLimiter({ ratePerSecond: 1, burst: 0 })).toThrow("Invalid burst 0");
  });
});

describe("AdminToken", () => {
  const secret = "a-long-enough-admin-token";

  it("checks bearer headers", () => {
    const token = new AdminToken(secret);
    expect(token.enabled).toBe(true);
    expect(token.check(`Bearer ${secret}`)).toBe("ok");
    expect(token.check(`bearer ${secret}`)).toBe("ok");
    expect(token.check(`Bearer ${secret}x`)).toBe("invalid");
    expect(token.check("Bearer short")).toBe("invalid");
    expect(token.check(secret)).toBe("missing");
    expect(token.check(undefined)).toBe("missing");
  });

  it("is disabled without a token", () => {
    expect(new AdminToken(undefined).check(`Bearer ${secret}`)).toBe("disabled");
    expect(new AdminToken("").enabled).toBe(false);
  });

  it("rejects short tokens with the fix", () => {
    expect(() => new AdminToken("short")).toThrow(
      "Invalid WPLLMSEO_ADMIN_TOKEN of 5 characters: use at least 16 characters without white space",
    );
    expect(() => new AdminToken("has white space in it")).toThrow("without white space");
  });
});
