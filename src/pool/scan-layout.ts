/**
 * Scratch layout of one scanVectors task, in the block the main thread lends
 * it: the query (stride bytes), the heap's scores and slots (k float32 and k
 * int32), then the row list's row addresses, factor addresses and scores
 * (listLength u32, u32 and float32).
 */
export function scanScratchBytes(stride: number, k: number, listLength: number): number {
  return stride + k * 8 + listLength * 12;
}
