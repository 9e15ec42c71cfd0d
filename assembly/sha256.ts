// SHA-256 as specified in FIPS 180-4, over a whole message at once.

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const INITIAL_STATE: StaticArray<u32> = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const schedule = memory.data(64 * 4, 16);
const state = memory.data(8 * 4, 16);
const finalBlocks = memory.data(128, 16);
const digest = memory.data(32, 16);

@inline
function word(base: usize, index: i32): u32 {
  return load<u32>(base + (<usize>index << 2));
}

function expandSchedule(block: usize): void {
  for (let t = 0; t < 16; t++) {
    store<u32>(schedule + (<usize>t << 2), bswap<u32>(load<u32>(block + (<usize>t << 2))));
  }

  for (let t = 16; t < 64; t++) {
    const w15 = word(schedule, t - 15);
    const w2 = word(schedule, t - 2);
    const sigma0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const sigma1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(schedule + (<usize>t << 2), sigma1 + word(schedule, t - 7) + sigma0 + word(schedule, t - 16));
  }
}

function compress(block: usize): void {
  expandSchedule(block);
  let a = word(state, 0), b = word(state, 1), c = word(state, 2), d = word(state, 3);
  let e = word(state, 4), f = word(state, 5), g = word(state, 6), h = word(state, 7);

  for (let t = 0; t < 64; t++) {
    const s1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const choice = (e & f) ^ (~e & g);
    const t1 = h + s1 + choice + unchecked(K[t]) + word(schedule, t);
    const s0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const majority = (a & b) ^ (a & c) ^ (b & c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + s0 + majority;
  }

  store<u32>(state, a + word(state, 0));
  store<u32>(state + 4, b + word(state, 1));
  store<u32>(state + 8, c + word(state, 2));
  store<u32>(state + 12, d + word(state, 3));
  store<u32>(state + 16, e + word(state, 4));
  store<u32>(state + 20, f + word(state, 5));
  store<u32>(state + 24, g + word(state, 6));
  store<u32>(state + 28, h + word(state, 7));
}

/** Hashes `length` bytes at `input` and returns the address of the 32-byte digest. */
export function sha256(input: usize, length: usize): usize {
  for (let i = 0; i < 8; i++) store<u32>(state + (<usize>i << 2), unchecked(INITIAL_STATE[i]));

  const fullBlocks = length >>> 6;
  for (let i: usize = 0; i < fullBlocks; i++) compress(input + (i << 6));

  // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
  const rest = length & 63;
  memory.fill(finalBlocks, 0, 128);
  memory.copy(finalBlocks, input + (fullBlocks << 6), rest);
  store<u8>(finalBlocks + rest, 0x80);
  const paddedBytes: usize = rest < 56 ? 64 : 128;
  store<u64>(finalBlocks + paddedBytes - 8, bswap<u64>(<u64>length << 3));
  compress(finalBlocks);
  if (paddedBytes == 128) compress(finalBlocks + 64);

  for (let i = 0; i < 8; i++) store<u32>(digest + (<usize>i << 2), bswap<u32>(word(state, i)));
  return digest;
}
