/** A Chromium executable found on this machine, or undefined. */
export function findChromium(): string | undefined;
/** Flags for headless Chromium here (root, closed network). */
export const chromiumArgs: string[];
