/**
 * Buffers that import pages are read into, used again once their page has committed. A page waits in memory for
 * its commit long enough to outlive V8's young generation, so a buffer allocated for each page would be garbage of
 * the old generation after the commit, freed only by a full GC (which V8 starts once some 64 MB of such memory has
 * piled up since the last). Reused, a run's page buffers stay about as many as its pages in hand and under way.
 * Only buffers this pool made come back into it, and it keeps at most `keepBytes` of free ones (the rest are left
 * to the GC).
 */
export class PageBuffers {
  readonly #free: Buffer[] = [];
  #freeBytes = 0;
  /** The memory of every buffer this pool made, to know its own when one comes back (as a view of it, or whole). */
  readonly #made = new WeakSet<ArrayBufferLike>();

  constructor(readonly keepBytes: number) {}

  /** A buffer of at least `atLeast` bytes: the smallest free one that is large enough, else a new one. */
  take(atLeast: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const length = this.#free[i]!.length;
      if (length >= atLeast && (best < 0 || length < this.#free[best]!.length)) best = i;
    }
    if (best >= 0) {
      const [buffer] = this.#free.splice(best, 1);
      this.#freeBytes -= buffer!.length;
      return buffer!;
    }
    // Rounded up to 64 KB so pages of about one size fit each other's buffers.
    const buffer = Buffer.allocUnsafeSlow(Math.max(GRAIN, Math.ceil(atLeast / GRAIN) * GRAIN));
    this.#made.add(buffer.buffer);
    return buffer;
  }

  /**
   * Gives back the buffer that `view` (a buffer taken, or any view of one) lies in; nothing may read it afterwards.
   * Past `keepBytes`, the smallest free buffers go first: a large one fits any page, a small one only small pages.
   */
  give(view: Uint8Array): void {
    if (!this.#made.has(view.buffer)) return;
    const buffer = Buffer.from(view.buffer);
    this.#free.push(buffer);
    this.#freeBytes += buffer.length;
    this.#free.sort((a, b) => b.length - a.length);
    while (this.#freeBytes > this.keepBytes) this.#freeBytes -= this.#free.pop()!.length;
  }
}

const GRAIN = 64 * 1024;
