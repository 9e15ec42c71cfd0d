/**
 * The map from each vector slot to its chunk and post, and the reverse maps.
 * It lives on the main thread beside the shared rows of VectorMemory.
 *
 * Each post also gets an ordinal, a dense number from 0 that the scan
 * kernel uses to index its per-post best scores. An ordinal is never
 * reused, so a post whose chunks were all removed keeps one that no row
 * points to any more.
 */
export class VectorCatalog {
  readonly #chunkOfSlot: (string | undefined)[] = [];
  readonly #postOfSlot: (string | undefined)[] = [];
  readonly #slotOfChunk = new Map<string, number>();
  readonly #slotsOfPost = new Map<string, number[]>();
  readonly #ordinalOfPost = new Map<string, number>();
  readonly #postOfOrdinal: string[] = [];

  get size(): number {
    return this.#slotOfChunk.size;
  }

  /** Ordinals given out so far; the per-post arrays of a scan have this length. */
  get postOrdinalCount(): number {
    return this.#postOfOrdinal.length;
  }

  /** Returns the post's ordinal, giving it the next one on first use. */
  ordinalOf(postId: string): number {
    let ordinal = this.#ordinalOfPost.get(postId);
    if (ordinal === undefined) {
      ordinal = this.#postOfOrdinal.length;
      this.#ordinalOfPost.set(postId, ordinal);
      this.#postOfOrdinal.push(postId);
    }
    return ordinal;
  }

  postAtOrdinal(ordinal: number): string | undefined {
    return this.#postOfOrdinal[ordinal];
  }

  /** Returns the post's ordinal, or undefined when none was given out. */
  findOrdinal(postId: string): number | undefined {
    return this.#ordinalOfPost.get(postId);
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
