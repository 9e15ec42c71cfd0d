import type { Db } from "../store/db.js";
import { toIdParam } from "../store/rows.js";
import { DEAD_LETTER_COLUMNS, toDeadLetter } from "./dead-letter-row.js";
import type { DeadLetter } from "./dead-letter-row.js";
import { enqueueJob } from "./enqueue-job.js";
import { placeholders } from "./job-row.js";

/** Dead letters to retry: the listed ids, or every one. */
export type RetryDeadLettersTarget = { ids: readonly string[] } | { all: true };

export interface RetryDeadLettersResult {
  /** Dead letters enqueued again as new jobs. */
  retried: number;
  /** Dead letters whose dedupe key an active job already had; deleted too. */
  skippedAsDuplicate: number;
  /** Listed ids with no dead letter; always 0 with `all`. */
  notFound: number;
}

/** Dead letters handled per transaction. */
const PAGE_SIZE = 100;

function validateIds(ids: readonly string[]): void {
  const invalid = ids.find((id) => !/^\d{1,20}$/.test(id));
  if (invalid !== undefined) {
    throw new RangeError(`Invalid dead-letter id ${JSON.stringify(invalid)}: use a decimal integer.`);
  }
}

/** Selects and locks dead letters by id; MySQL waits for rows others hold. */
async function selectDeadLettersById(tx: Db, ids: readonly string[]): Promise<DeadLetter[]> {
  const lockClause = tx.dialect === "mysql" ? " FOR UPDATE" : "";
  const rows = await tx.query(
    `SELECT ${DEAD_LETTER_COLUMNS} FROM ${tx.tables.deadLetter}` +
      ` WHERE id IN (${placeholders(ids.length)}) ORDER BY id${lockClause}`,
    ids.map(toIdParam),
  );
  return rows.map(toDeadLetter);
}

/** Selects and locks the next page of dead letters after `afterId`, by id. */
async function selectDeadLettersAfter(tx: Db, afterId: string): Promise<DeadLetter[]> {
  const lockClause = tx.dialect === "mysql" ? " FOR UPDATE" : "";
  const rows = await tx.query(
    `SELECT ${DEAD_LETTER_COLUMNS} FROM ${tx.tables.deadLetter}` +
      ` WHERE id > ? ORDER BY id LIMIT ?${lockClause}`,
    [toIdParam(afterId), PAGE_SIZE],
  );
  return rows.map(toDeadLetter);
}

async function deleteDeadLetters(tx: Db, letters: readonly DeadLetter[]): Promise<void> {
  await tx.execute(
    `DELETE FROM ${tx.tables.deadLetter} WHERE id IN (${placeholders(letters.length)})`,
    letters.map((letter) => toIdParam(letter.id)),
  );
}

/**
 * Chooses the dedupe key of the retried job: the dead letter's own, else
 * `<job_type>_<post_id>` (embed_post_<post_id> for the plugin's rows,
 * which have no dedupe_key column), else none.
 */
function retryDedupeKey(letter: DeadLetter): string | null {
  if (letter.dedupeKey !== null) {
    return letter.dedupeKey;
  }
  return letter.postId === null ? null : `${letter.jobType}_${letter.postId}`;
}

/** Enqueues each dead letter as a new job, then deletes the dead letters. */
async function requeueDeadLetters(
  tx: Db,
  letters: readonly DeadLetter[],
  result: RetryDeadLettersResult,
): Promise<void> {
  for (const letter of letters) {
    const { created } = await enqueueJob(tx, {
      jobType: letter.jobType,
      postId: letter.postId,
      payload: letter.payload ?? undefined,
      dedupeKey: retryDedupeKey(letter),
      priority: letter.priority,
      maxAttempts: letter.maxAttempts,
    });
    if (created) {
      result.retried += 1;
    } else {
      result.skippedAsDuplicate += 1;
    }
  }
  await deleteDeadLetters(tx, letters);
}

/** Runs one page in one transaction; a rerun after a transient error starts the page afresh. */
async function retryPage(
  db: Db,
  select: (tx: Db) => Promise<DeadLetter[]>,
  total: RetryDeadLettersResult,
): Promise<DeadLetter[]> {
  const page = await db.transaction(async (tx) => {
    const result = { retried: 0, skippedAsDuplicate: 0, notFound: 0 };
    const letters = await select(tx);
    if (letters.length > 0) {
      await requeueDeadLetters(tx, letters, result);
    }
    return { letters, result };
  });
  total.retried += page.result.retried;
  total.skippedAsDuplicate += page.result.skippedAsDuplicate;
  return page.letters;
}

/**
 * Enqueues dead-lettered jobs again as new queued jobs and deletes their
 * dead letters. A new job keeps the job type, post, payload, priority and
 * max_attempts, and starts at 0 attempts. Each page of up to 100 dead
 * letters commits in one transaction. Dedupe applies: when an active job
 * already has the dedupe key, no job is added, and the dead letter is deleted
 * all the same because that job will do the work. Payloads are parsed and
 * serialized again as JSON.
 */
export async function retryDeadLetters(
  db: Db,
  target: RetryDeadLettersTarget,
): Promise<RetryDeadLettersResult> {
  const total: RetryDeadLettersResult = { retried: 0, skippedAsDuplicate: 0, notFound: 0 };
  if ("all" in target) {
    let afterId = "0";
    for (;;) {
      const letters = await retryPage(db, (tx) => selectDeadLettersAfter(tx, afterId), total);
      const last = letters.at(-1);
      if (!last) {
        return total;
      }
      afterId = last.id;
    }
  }
  const ids = [...new Set(target.ids)];
  validateIds(ids);
  for (let start = 0; start < ids.length; start += PAGE_SIZE) {
    const pageIds = ids.slice(start, start + PAGE_SIZE);
    const letters = await retryPage(db, (tx) => selectDeadLettersById(tx, pageIds), total);
    total.notFound += pageIds.length - letters.length;
  }
  return total;
}
