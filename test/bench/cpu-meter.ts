// CPU seconds spent by each process of an import bench: this process (the BFF), the sandbox's process, and the
// Postgres backends serving the bench's database (autovacuum workers on it included). On a machine shared with
// other work, wall time says little about our cost; CPU time per process says where it goes.
// Linux only (/proc); elsewhere the meter reports null for the other processes.
import { readFileSync } from 'node:fs';
import type { Sql } from '../../bff/db/client.ts';

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far, from /proc/<pid>/stat; null when unreadable. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export interface CpuSeconds {
  bff: number;
  sandbox: number | null;
  postgres: number | null;
  /** Postgres backends seen serving the database during the measurement. */
  backends: number;
  /** Of `postgres`, the seconds of each kind of backend (client backend, autovacuum worker). */
  postgresByKind: Record<string, number>;
}

/**
 * Starts measuring; `stop()` returns the CPU seconds each process spent meanwhile. Postgres backends come and go
 * with the pool, so they are polled (every `pollMs`) and each one's last reading counts: a backend that exits
 * between two polls loses at most its last interval.
 */
export function startCpuMeter(sql: Sql, database: string, sandboxPid: number | undefined, pollMs = 250) {
  const bffStart = process.cpuUsage();
  const sandboxStart = sandboxPid === undefined ? null : processCpuSeconds(sandboxPid);
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const kinds = new Map<number, string>();
  let readable = true;
  const poll = async () => {
    const rows = await sql<{ pid: number; backend_type: string }[]>`select pid, backend_type from pg_stat_activity where datname = ${database}`;
    for (const { pid, backend_type } of rows) {
      kinds.set(pid, backend_type);
      const cpu = processCpuSeconds(pid);
      if (cpu === null) {
        readable = false;
        continue;
      }
      // A backend first seen now started before or during the measurement: count from its first reading,
      // except the ones born during it, whose whole life counts (their start is after ours).
      if (!first.has(pid)) first.set(pid, started ? cpu : 0);
      last.set(pid, cpu);
    }
  };
  let started = false;
  const ready = poll().then(() => {
    started = true;
  });
  let polling: Promise<void> = ready;
  const timer = setInterval(() => {
    polling = polling.then(poll).catch(() => {});
  }, pollMs);
  const reading = (): CpuSeconds => {
    const bffUsage = process.cpuUsage(bffStart);
    let postgres = 0;
    const postgresByKind: Record<string, number> = {};
    for (const [pid, end] of last) {
      const spent = end - (first.get(pid) ?? 0);
      postgres += spent;
      const kind = kinds.get(pid) ?? 'unknown';
      postgresByKind[kind] = (postgresByKind[kind] ?? 0) + spent;
    }
    const sandboxEnd = sandboxPid === undefined ? null : processCpuSeconds(sandboxPid);
    return {
      bff: (bffUsage.user + bffUsage.system) / 1e6,
      sandbox: sandboxStart === null || sandboxEnd === null ? null : sandboxEnd - sandboxStart,
      postgres: readable && last.size > 0 ? postgres : null,
      backends: last.size,
      postgresByKind,
    };
  };
  return {
    ready,
    /** The CPU spent so far, the meter still running. */
    async read(): Promise<CpuSeconds> {
      polling = polling.then(poll).catch(() => {});
      await polling;
      return reading();
    },
    async stop(): Promise<CpuSeconds> {
      clearInterval(timer);
      await polling;
      await poll();
      return reading();
    },
  };
}

/** Reads the meter as soon as `done()` turns true (polled every `pollMs`), the meter still running. */
export async function readWhen(meter: { read(): Promise<CpuSeconds> }, done: () => Promise<boolean>, pollMs = 100): Promise<CpuSeconds> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, pollMs));
  return meter.read();
}

/** The meter's reading as a report row's value, per record too. */
export function describeCpu(cpu: CpuSeconds, records: number): string {
  const part = (name: string, seconds: number | null) => (seconds === null ? `${name} n/a` : `${name} ${seconds.toFixed(1)} s (${((seconds / records) * 1e6).toFixed(0)} µs/record)`);
  const total = cpu.bff + (cpu.sandbox ?? 0) + (cpu.postgres ?? 0);
  const kinds = Object.entries(cpu.postgresByKind).map(([kind, seconds]) => `${kind} ${seconds.toFixed(1)} s`).join(', ');
  return `${part('BFF', cpu.bff)}, ${part('sandbox', cpu.sandbox)}, ${part(`Postgres (${cpu.backends} backends: ${kinds})`, cpu.postgres)}; total ${total.toFixed(1)} s`;
}
