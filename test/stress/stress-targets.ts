/**
 * The stress suites loop over `loadQueueTargets()` of test/helpers/db.ts, so
 * that a target added there runs here too. This file maps a target to the
 * options that make its worker processes match the target's Dbs.
 */
import type { DialectTarget } from "../helpers/db.js";
import type { FixtureOptions } from "./worker-fleet.js";

/**
 * Returns the fixture options of a target. The helper opens the Dbs of a
 * claim-token target with `skipLocked: false`, so the fixture does too, and
 * stale-job recovery then runs without SKIP LOCKED as well.
 */
export function fixtureOptionsFor(
  target: DialectTarget,
): Pick<FixtureOptions, "claimStrategy" | "skipLocked"> {
  return {
    claimStrategy: target.claimStrategy,
    skipLocked: target.claimStrategy === "claim-token" ? false : undefined,
  };
}
