/**
 * Worker fleets for the stress tests, killed after every test, passed or
 * failed, so that no process outlives its test.
 */
import { afterEach } from "vitest";

import { WorkerFleet } from "./worker-fleet.js";
import type { FixtureOptions } from "./worker-fleet.js";

/** Returns a factory of worker fleets, each killed after the test that made it. */
export function useWorkerFleets(): (options: FixtureOptions, restartCrashed?: boolean) => WorkerFleet {
  const fleets: WorkerFleet[] = [];
  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((fleet) => fleet.killAll()));
  });
  return (options, restartCrashed) => {
    const fleet = new WorkerFleet(options, restartCrashed);
    fleets.push(fleet);
    return fleet;
  };
}
