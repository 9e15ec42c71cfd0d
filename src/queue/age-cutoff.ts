import type { Db } from "../store/db.js";
import { offsetParam, sqlNowPlus } from "../store/sql-time.js";

/** Largest age accepted, about 100 years, in days. */
const MAX_AGE_DAYS = 36_500;

const MS_PER_DAY = 86_400_000;

/** Rejects an `olderThanDays` that is not a number from 0 to 36,500. */
export function validateOlderThanDays(days: number): void {
  if (!(Number.isFinite(days) && days >= 0 && days <= MAX_AGE_DAYS)) {
    throw new RangeError(
      `Invalid olderThanDays ${days}: use a number from 0 to ${MAX_AGE_DAYS}.`,
    );
  }
}

/**
 * SQL expression and bind value for "now minus `days` days" on the database
 * clock (UTC), for a comparison such as `updated_at <= cutoff`; 0 days
 * takes everything up to now.
 */
export function sqlAgeCutoff(db: Db, days: number): { sql: string; param: number | string } {
  return { sql: sqlNowPlus(db), param: offsetParam(db, -days * MS_PER_DAY) };
}
