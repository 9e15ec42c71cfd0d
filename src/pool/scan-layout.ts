/**
 * Scratch layout of one scanVectors task, in the block the main thread lends
 * it: the query (stride bytes), the heap's scores and slots (k float32 and k
 * int32), then the best score and best slot of each post ordinal
 * (postCount float32 and postCount int32). The main thread reads the post
 * arrays after the task returns and before it releases the block.
 */
export interface ScanScratchLayout {
  query: number;
  heapScores: number;
  heapIndexes: number;
  postScores: number;
  postSlots: number;
  bytes: number;
}

export function scanScratchLayout(
  scratch: number,
  stride: number,
  k: number,
  postCount: number,
): ScanScratchLayout {
  const heapScores = scratch + stride;
  const heapIndexes = heapScores + k * 4;
  const postScores = heapIndexes + k * 4;
  const postSlots = postScores + postCount * 4;
  return {
    query: scratch,
    heapScores,
    heapIndexes,
    postScores,
    postSlots,
    bytes: postSlots + postCount * 4 - scratch,
  };
}

export function scanScratchBytes(stride: number, k: number, postCount: number): number {
  return scanScratchLayout(0, stride, k, postCount).bytes;
}
