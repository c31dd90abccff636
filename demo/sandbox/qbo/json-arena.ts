/** Bytes of one arena chunk. An entity's text never straddles two chunks, so a chunk's tail may stay unused. */
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * The JSON text of one type's generated entities as UTF-8, entity i at `starts[i]` (chunk × CHUNK_BYTES + offset)
 * for `lengths[i]` bytes. The text lives in Buffers (outside V8's heap) and the index in two typed arrays, so a
 * million entities cost no JS objects or strings at all.
 */
export class JsonArena {
  readonly #chunks: Buffer[] = [];
  /** Bytes used in the last chunk. */
  #used = 0;
  #bytes = 0;
  readonly #starts: Float64Array;
  readonly #lengths: Uint32Array;

  constructor(readonly count: number) {
    this.#starts = new Float64Array(count);
    this.#lengths = new Uint32Array(count);
  }

  /** Total bytes of text held. */
  get bytes(): number {
    return this.#bytes;
  }

  set(index: number, text: string): void {
    const length = Buffer.byteLength(text);
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (!chunk || chunk.length - this.#used < length) {
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, length));
      this.#chunks.push(chunk);
      this.#used = 0;
    }
    chunk.write(text, this.#used);
    this.#starts[index] = (this.#chunks.length - 1) * CHUNK_BYTES + this.#used;
    this.#lengths[index] = length;
    this.#used += length;
    this.#bytes += length;
  }

  /** Gives back the unused tail of the last chunk (a small type's text then costs its size, not a chunk). */
  finish(): void {
    const last = this.#chunks.length - 1;
    const chunk = this.#chunks[last];
    if (chunk && this.#used < chunk.length) this.#chunks[last] = Buffer.from(chunk.subarray(0, this.#used));
  }

  /** The text of entity `index`: a view into the arena, not a copy. */
  get(index: number): Uint8Array {
    // Out of range, a typed array reads undefined: an empty slice would splice broken JSON into a page.
    if (!Number.isInteger(index) || index < 0 || index >= this.count) throw new RangeError(`JsonArena: no entity ${index} of ${this.count}`);
    const start = this.#starts[index]!;
    const chunk = Math.floor(start / CHUNK_BYTES);
    const offset = start - chunk * CHUNK_BYTES;
    return this.#chunks[chunk]!.subarray(offset, offset + this.#lengths[index]!);
  }
}
