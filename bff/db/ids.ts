import { randomBytes } from 'node:crypto';

/** Prefixed random ids (`ten_3f9c…`): the prefix tells a reader what kind of thing a bare id names. */
export function newId(prefix: 'ten' | 'key' | 'con' | 'run' | 'doc' | 'whe' | 'evt' | 'lnk' | 'met'): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}
