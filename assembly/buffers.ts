// Input and output buffers owned by the module. JavaScript asks for a
// capacity, receives a pointer and writes or reads through a view that it
// re-creates after every call, because growing the heap may grow memory.

const MIN_CAPACITY: usize = 64;

let inputPointer: usize = 0;
let inputCapacity: usize = 0;
let outputPointer: usize = 0;
let outputCapacity: usize = 0;

/** Grows the input buffer to at least `bytes` and returns its address. Old contents are not kept. */
export function reserveInput(bytes: usize): usize {
  if (bytes <= inputCapacity) return inputPointer;

  if (inputPointer != 0) heap.free(inputPointer);
  const capacity = max(bytes, MIN_CAPACITY);
  inputPointer = heap.alloc(capacity);
  inputCapacity = capacity;
  return inputPointer;
}

/** Grows the output buffer to at least `bytes`, keeping its contents, and returns its address. */
export function reserveOutput(bytes: usize): usize {
  if (bytes <= outputCapacity) return outputPointer;

  const capacity = max(bytes, max(outputCapacity << 1, MIN_CAPACITY));
  outputPointer = outputPointer == 0 ? heap.alloc(capacity) : heap.realloc(outputPointer, capacity);
  outputCapacity = capacity;
  return outputPointer;
}

/** Returns the current address of the output buffer. */
export function outputAddress(): usize {
  return outputPointer;
}
