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
    const snapshot = JSON.parse(text) as SandboxSnapshot;
    if (snapshot.version !== 1) throw new Error(`${this.path}: unknown sandbox snapshot version ${String(snapshot.version)}`);
    return snapshot;
  }

  save(snapshot: SandboxSnapshot): void {
    mkdirSync(this.dir, { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(snapshot));
    // rename() replaces the file in one step: a crash leaves the old snapshot or the new one, never half of one.
    renameSync(temp, this.path);
  }
}
