/**
 * The layout of quantized chunk vectors in the memory shared with the pool
 * threads.
 *
 * Rows are stored in segments of SEGMENT_ROWS rows: `stride` int8 values per
 * row, one float32 factor per row (see quantize.ts) and one u32 post ordinal
 * per row (see VectorCatalog). A slot number
 * names a row: slot >> SEGMENT_SHIFT is its segment, the low bits its row.
 * Only the main thread writes; pool threads read the rows of the segments a
 * task names, up to the row count it was given.
 */
import { createScanMemory, SCAN_MAX_PAGES, WASM_PAGE_BYTES, type SharedWasmMemory } from "../kernels/int8-scan.js";
import { quantizeInto } from "./quantize.js";

export const SEGMENT_SHIFT = 13;
export const SEGMENT_ROWS = 1 << SEGMENT_SHIFT;

/** Bytes below this address are left to the scan module. */
const RESERVED_BYTES = WASM_PAGE_BYTES;

export interface Segment {
  rows: number;
  factors: number;
  /** Address of the rows' post ordinals. */
  posts: number;
  /** Rows written so far; rows at or above it are free. */
  count: number;
  /** Slot of the segment's first row. */
  firstSlot: number;
}

export class VectorMemory {
  readonly memory: SharedWasmMemory;
  readonly dim: number;
  /** Bytes per row: `dim` rounded up to a multiple of 16 for the SIMD loads. */
  readonly stride: number;
  readonly segments: Segment[] = [];
  #top = RESERVED_BYTES;
  readonly #freeBlocks = new Map<number, number[]>();

  constructor(dim: number) {
    this.dim = dim;
    this.stride = Math.ceil(dim / 16) * 16;
    this.memory = createScanMemory(RESERVED_BYTES / WASM_PAGE_BYTES + 1);
  }

  /** Rows written, deleted ones included. */
  get slotCount(): number {
    const last = this.segments.at(-1);
    return last ? last.firstSlot + last.count : 0;
  }

  /** Bytes taken by segments and scratch blocks. */
  get usedBytes(): number {
    return this.#top - RESERVED_BYTES;
  }

  /** Writes a quantized row with its factor and its post's ordinal; returns its slot. */
  appendRow(row: Int8Array, factor: number, postOrdinal: number): number {
    let segment = this.segments.at(-1);
    if (!segment || segment.count === SEGMENT_ROWS) segment = this.#addSegment();
    const rowIndex = segment.count;
    new Int8Array(this.memory.buffer, segment.rows + rowIndex * this.stride, this.stride).set(row);
    new Float32Array(this.memory.buffer, segment.factors, SEGMENT_ROWS)[rowIndex] = factor;
    new Uint32Array(this.memory.buffer, segment.posts, SEGMENT_ROWS)[rowIndex] = postOrdinal;
    segment.count++;
    return segment.firstSlot + rowIndex;
  }

  /**
   * Quantizes `vector` (quantize.ts) straight into the next row, with no
   * temporary row, and stores its factor and post ordinal. Returns its slot.
   */
  appendVector(vector: Float32Array, postOrdinal: number): number {
    let segment = this.segments.at(-1);
    if (!segment || segment.count === SEGMENT_ROWS) segment = this.#addSegment();
    const rowIndex = segment.count;
    const row = new Int8Array(this.memory.buffer, segment.rows + rowIndex * this.stride, this.stride);
    new Float32Array(this.memory.buffer, segment.factors, SEGMENT_ROWS)[rowIndex] = quantizeInto(vector, row);
    new Uint32Array(this.memory.buffer, segment.posts, SEGMENT_ROWS)[rowIndex] = postOrdinal;
    segment.count++;
    return segment.firstSlot + rowIndex;
  }

  /** Sets a row's factor to 0, so scans skip it and it scores 0. */
  clearRow(slot: number): void {
    new Float32Array(this.memory.buffer, this.factorAddress(slot), 1)[0] = 0;
  }

  rowAddress(slot: number): number {
    return this.#segmentOf(slot).rows + (slot & (SEGMENT_ROWS - 1)) * this.stride;
  }

  factorAddress(slot: number): number {
    return this.#segmentOf(slot).factors + (slot & (SEGMENT_ROWS - 1)) * 4;
  }

  /**
   * Lends a scratch block of at least `bytes` for one task. Blocks are
   * reused by size class (powers of two from 16 KiB) once released.
   */
  acquireBlock(bytes: number): { address: number; size: number } {
    const size = Math.max(16_384, 2 ** Math.ceil(Math.log2(bytes)));
    const address = this.#freeBlocks.get(size)?.pop() ?? this.#allocate(size);
    return { address, size };
  }

  releaseBlock(block: { address: number; size: number }): void {
    const list = this.#freeBlocks.get(block.size) ?? [];
    list.push(block.address);
    this.#freeBlocks.set(block.size, list);
  }

  #segmentOf(slot: number): Segment {
    const segment = this.segments[slot >> SEGMENT_SHIFT];
    if (!segment) throw new RangeError(`Invalid vector slot ${slot}: only ${this.slotCount} rows are stored.`);
    return segment;
  }

  #addSegment(): Segment {
    const rows = this.#allocate(SEGMENT_ROWS * this.stride);
    const factors = this.#allocate(SEGMENT_ROWS * 4);
    const posts = this.#allocate(SEGMENT_ROWS * 4);
    const segment = { rows, factors, posts, count: 0, firstSlot: this.segments.length * SEGMENT_ROWS };
    this.segments.push(segment);
    return segment;
  }

  /** Bump-allocates `bytes` at a 16-byte boundary, growing the memory as needed. */
  #allocate(bytes: number): number {
    const address = Math.ceil(this.#top / 16) * 16;
    const end = address + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / WASM_PAGE_BYTES);
      if (have / WASM_PAGE_BYTES + pages > SCAN_MAX_PAGES) {
        throw new RangeError(
          `The vector index needs more than ${SCAN_MAX_PAGES * WASM_PAGE_BYTES} bytes of shared memory (${end} bytes).`,
        );
      }
      this.memory.grow(pages);
    }
    this.#top = end;
    return address;
  }
}
