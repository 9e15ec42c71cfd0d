/** The dead-letter operations, gathered for callers that use several. */
export type { DeadLetter } from "./dead-letter-row.js";
export { listDeadLetters } from "./list-dead-letters.js";
export type { ListDeadLettersOptions } from "./list-dead-letters.js";
export { purgeDeadLetters } from "./purge-dead-letters.js";
export type { PurgeDeadLettersOptions } from "./purge-dead-letters.js";
export { retryDeadLetters } from "./retry-dead-letters.js";
export type {
  RetryDeadLettersResult,
  RetryDeadLettersTarget,
} from "./retry-dead-letters.js";
