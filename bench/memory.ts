/**
 * Memory readings for the search benches. A reading first runs a full
 * garbage collection when node was started with --expose-gc (the bench
 * script does), so growth figures count live data rather than garbage.
 */
export const MIB = 2 ** 20;

export interface MemoryReading {
  rssMiB: number;
  heapUsedMiB: number;
  /** Memory outside the JS heap that JS objects own, such as Buffers. */
  externalMiB: number;
}

export function readMemory(): MemoryReading {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const usage = process.memoryUsage();
  return { rssMiB: usage.rss / MIB, heapUsedMiB: usage.heapUsed / MIB, externalMiB: usage.external / MIB };
}
