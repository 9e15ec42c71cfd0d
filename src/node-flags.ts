/**
 * V8 heap settings that `bin/wpllmseo.js` starts Node with. Its `#!` line
 * must list exactly these, which a test checks.
 *
 * - `--max-semi-space-size=1` caps each half of the young generation at
 *   1 MiB. With Node's default, it grows to 16 MiB once enough objects
 *   survive collections, as they do while the vector index loads, and the
 *   grown space stays resident.
 * - `--heap-growing-percent=10` lets the old generation grow by 10% before
 *   the next full collection, so freed pages are reused before new ones are
 *   committed.
 *
 * On 10,000 synthetic posts (SQLite, 2-core host, bench/search-memory.ts,
 * 200 queries), the RSS growth of a searching process was 77-96 MiB with
 * Node's defaults and 48-52 MiB with both flags. Either flag alone gave
 * 75-95 MiB. The indexing time of 2,000 posts changed by less than the
 * noise between side-by-side runs. NOTE: they cost HTTP throughput. With
 * autocannon at 10 connections on the same posts, `serve` served 84
 * searches a second without them, 64 with both, 75 with the semi-space
 * flag alone and 81 with the growing flag alone.
 *
 * A program that imports the engine can pass the same flags to `node`.
 */
export const NODE_HEAP_FLAGS: readonly string[] = ["--max-semi-space-size=1", "--heap-growing-percent=10"];
