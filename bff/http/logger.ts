export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Field names whose values never reach a log line, whatever the caller passes. */
const secretFields = /token|secret|password|authorization|cookie|code|state/i;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** One JSON object per line on stdout: what log shippers expect, and greppable by request_id. */
export function createLogger(
  level: LogLevel,
  base: Record<string, unknown> = {},
  write: (line: string) => void = writeStdout,
): Logger {
  return new JsonLogger(rank[level], level, base, write);
}

/**
 * Lines for stdout, written together once per turn of the event loop: one write call (a system call: stdout
 * is synchronous for files and pipes) per batch instead of per line. Whatever is pending when the process
 * exits is written then, so no line is lost to a batch.
 */
const pending: string[] = [];
let flushScheduled = false;

function writeStdout(line: string): void {
  pending.push(line);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flushStdout);
}

function flushStdout(): void {
  flushScheduled = false;
  if (pending.length === 0) return;
  const batch = pending.join('');
  pending.length = 0;
  process.stdout.write(batch);
}

process.on('exit', flushStdout);

/**
 * A class rather than closures: every request makes a child or two, and methods on a prototype cost
 * nothing per child. A child only remembers its parent and fields: its base is redacted and serialised on
 * its first line, from its parent's (so a request's middle logger that never writes costs nothing).
 */
class JsonLogger implements Logger {
  #safeBase: Record<string, unknown> | undefined;
  /** The redacted base as JSON members (`"a":1,"b":2`), written into every line after time, level and msg. */
  #baseMembers: string | undefined;

  constructor(
    private readonly threshold: number,
    private readonly level: LogLevel,
    private readonly fields: Record<string, unknown>,
    private readonly write: (line: string) => void,
    private readonly parent?: JsonLogger,
  ) {}

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#log('debug', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.#log('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.#log('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.#log('error', message, fields);
  }

  child(fields: Record<string, unknown>): Logger {
    return new JsonLogger(this.threshold, this.level, fields, this.write, this);
  }

  /** Every field of this logger and its ancestors, a child's replacing its parent's, secrets redacted. */
  #safe(): Record<string, unknown> {
    return (this.#safeBase ??= this.parent ? { ...this.parent.#safe(), ...redact(this.fields) } : redact(this.fields));
  }

  /** Whether a line's fields would replace a field of this logger's base or one of time, level and msg (then the slow path keeps one). */
  #overlaps(fields: Record<string, unknown>): boolean {
    if (this.#reserved()) return true;
    for (const key in fields) {
      if (key === 'time' || key === 'level' || key === 'msg') return true;
      for (let logger: JsonLogger | undefined = this; logger; logger = logger.parent) if (key in logger.fields) return true;
    }
    return false;
  }

  #reservedInBase: boolean | undefined;

  /** Whether this logger's base (its fields or an ancestor's) holds time, level or msg. */
  #reserved(): boolean {
    if (this.#reservedInBase === undefined) {
      const fields = this.fields;
      this.#reservedInBase = 'time' in fields || 'level' in fields || 'msg' in fields || (this.parent !== undefined && this.parent.#reserved());
    }
    return this.#reservedInBase;
  }

  #members(): string {
    if (this.#baseMembers !== undefined) return this.#baseMembers;
    const parent = this.parent;
    if (parent && !parent.#overlaps(this.fields)) {
      const inherited = parent.#members();
      const own = JSON.stringify(redact(this.fields)).slice(1, -1);
      this.#baseMembers = inherited && own ? `${inherited},${own}` : inherited || own;
    } else {
      this.#baseMembers = JSON.stringify(this.#safe()).slice(1, -1);
    }
    return this.#baseMembers;
  }

  #log(at: LogLevel, message: string, fields: Record<string, unknown> | undefined): void {
    if (rank[at] < this.threshold) return;
    if (fields && this.#overlaps(fields)) {
      this.write(JSON.stringify({ time: isoNow(), level: at, msg: message, ...this.#safe(), ...redact(fields) }) + '\n');
      return;
    }
    // The same object as above, built as text: the base is serialised once per logger, not once per line.
    const members = this.#members();
    const own = fields ? JSON.stringify(redact(fields)).slice(1, -1) : '';
    let line = `{"time":"${isoNow()}","level":"${at}","msg":${JSON.stringify(message)}`;
    if (members) line += `,${members}`;
    if (own) line += `,${own}`;
    this.write(line + '}\n');
  }
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    if (value instanceof Error) out[key] = { name: value.name, message: value.message, stack: value.stack };
    else out[key] = isSecretField(key) ? '[redacted]' : value;
  }
  return out;
}

/** Field names are few (they are written in code): each name's verdict is remembered, not tested per line. */
const secretVerdicts = new Map<string, boolean>();

function isSecretField(key: string): boolean {
  let secret = secretVerdicts.get(key);
  if (secret === undefined) {
    secret = secretFields.test(key) && key !== 'status_code';
    if (secretVerdicts.size < 1_000) secretVerdicts.set(key, secret);
  }
  return secret;
}

/** The current time as ISO 8601 (what Date#toISOString gives), its date and time to the second built once per second. */
let isoSecond = -1;
let isoPrefix = '';

export function isoNow(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const ms = now - second * 1000;
  return `${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}
