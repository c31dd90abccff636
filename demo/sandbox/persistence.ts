import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WriteRecord } from './qbo/api/apply.ts';
import type { CompanySpec } from './qbo/company-spec.ts';
import type { OAuthApp } from './qbo/oauth/apps.ts';
import type { GrantSnapshot } from './qbo/oauth/grants.ts';

/** A company as it can be rebuilt: its spec and creation instant regenerate it; the journal replays what changed. */
export interface CompanyRecord {
  realmId: string;
  spec: CompanySpec;
  createdMs: number;
  journal: { atMs: number; record: WriteRecord }[];
}

/**
 * What survives a restart of a sandbox with a data directory. Generated entities are never stored (a million-entity
 * company is its spec), only API and control-API writes, OAuth apps, grants and tokens, and the clock's advance.
 */
export interface SandboxSnapshot {
  version: 1;
  clockOffsetMs: number;
  createdCompanies: number;
  mutationCalls: number;
  apps: OAuthApp[];
  grants: GrantSnapshot;
  companies: CompanyRecord[];
}

const FILE = 'qbo-sandbox.json';

/** Reads and writes the snapshot file; a write goes to a temporary file first and is renamed over the old one. */
export class SnapshotFile {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, FILE);
  }

  load(): SandboxSnapshot | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let snapshot: SandboxSnapshot | null = null;
    try {
      snapshot = JSON.parse(text) as SandboxSnapshot;
    } catch {
      snapshot = null;
    }
    if (snapshot?.version === 1) return snapshot;
    // An unreadable file must not stop `npm start`: keep it aside for inspection and start afresh.
    const aside = `${this.path}.unreadable-${Date.now()}`;
    renameSync(this.path, aside);
    console.warn(`[sandbox] ${this.path} could not be read; moved to ${aside} and starting with fresh companies`);
    return null;
  }

  save(snapshot: SandboxSnapshot): void {
    mkdirSync(this.dir, { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(snapshot));
    // rename() replaces the file in one step: a crash leaves the old snapshot or the new one, never half of one.
    renameSync(temp, this.path);
  }
}
