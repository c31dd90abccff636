import { fold } from '../format/text.ts';

/** How long typed letters add up to one search ("ha" then "r" → "har"). Same as native listboxes. */
const RESET_MS = 600;

/**
 * Type-ahead over row names: typing letters moves to the next row whose name starts with them, case and accents
 * ignored. Repeating one letter cycles through the rows starting with it.
 */
export class TypeAhead {
  #buffer = '';
  #last = 0;

  /** The index to move to after `key` was typed with row `from` active, or undefined when nothing matches. */
  find(key: string, names: readonly string[], from: number, now = Date.now()): number | undefined {
    if (now - this.#last > RESET_MS) this.#buffer = '';
    this.#last = now;
    const letter = fold(key);
    // "aaa" is someone cycling through the A's, not a search for "aaa".
    this.#buffer = this.#buffer.length > 0 && [...this.#buffer].every((c) => c === letter) ? letter : this.#buffer + letter;
    const cycling = this.#buffer.length === 1;
    const count = names.length;
    for (let step = cycling ? 1 : 0; step < count + (cycling ? 1 : 0); step += 1) {
      const index = (from + step) % count;
      if (fold(names[index] ?? '').startsWith(this.#buffer)) return index;
    }
    return undefined;
  }
}
