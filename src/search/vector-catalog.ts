/**
 * The map from each vector slot to its chunk and post, and the reverse maps.
 * It lives on the main thread beside the shared rows of VectorMemory.
 */
export class VectorCatalog {
  readonly #chunkOfSlot: (string | undefined)[] = [];
  readonly #postOfSlot: (string | undefined)[] = [];
  readonly #slotOfChunk = new Map<string, number>();
  readonly #slotsOfPost = new Map<string, number[]>();

  get size(): number {
    return this.#slotOfChunk.size;
  }

  add(slot: number, chunkId: string, postId: string): void {
    this.#chunkOfSlot[slot] = chunkId;
    this.#postOfSlot[slot] = postId;
    this.#slotOfChunk.set(chunkId, slot);
    const slots = this.#slotsOfPost.get(postId);
    if (slots) slots.push(slot);
    else this.#slotsOfPost.set(postId, [slot]);
  }

  /** Forgets a chunk; returns its slot so the row can be cleared, or undefined when unknown. */
  remove(chunkId: string): number | undefined {
    const slot = this.#slotOfChunk.get(chunkId);
    if (slot === undefined) return undefined;
    const postId = this.#postOfSlot[slot] as string;
    this.#slotOfChunk.delete(chunkId);
    this.#chunkOfSlot[slot] = undefined;
    this.#postOfSlot[slot] = undefined;
    const remaining = (this.#slotsOfPost.get(postId) ?? []).filter((other) => other !== slot);
    if (remaining.length > 0) this.#slotsOfPost.set(postId, remaining);
    else this.#slotsOfPost.delete(postId);
    return slot;
  }

  has(chunkId: string): boolean {
    return this.#slotOfChunk.has(chunkId);
  }

  chunkAt(slot: number): { chunkId: string; postId: string } | undefined {
    const chunkId = this.#chunkOfSlot[slot];
    const postId = this.#postOfSlot[slot];
    return chunkId === undefined || postId === undefined ? undefined : { chunkId, postId };
  }

  slotsOf(postId: string): readonly number[] {
    return this.#slotsOfPost.get(postId) ?? [];
  }

  chunkIds(): IterableIterator<string> {
    return this.#slotOfChunk.keys();
  }
}
