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
  write: (line: string) => void = (line) => void process.stdout.write(line),
): Logger {
  return new JsonLogger(rank[level], level, base, write);
}

/**
 * A class rather than closures: every request makes a child or two, and methods on a prototype cost
 * nothing per child. The base is redacted once per logger, on its first line.
 */
class JsonLogger implements Logger {
  #safeBase: Record<string, unknown> | undefined;

  constructor(
    private readonly threshold: number,
    private readonly level: LogLevel,
    private readonly base: Record<string, unknown>,
    private readonly write: (line: string) => void,
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
    return new JsonLogger(this.threshold, this.level, { ...this.base, ...fields }, this.write);
  }

  #log(at: LogLevel, message: string, fields: Record<string, unknown> | undefined): void {
    if (rank[at] < this.threshold) return;
    this.#safeBase ??= redact(this.base);
    this.write(JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...this.#safeBase, ...(fields ? redact(fields) : {}) }) + '\n');
  }
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) out[key] = { name: value.name, message: value.message, stack: value.stack };
    else out[key] = secretFields.test(key) && key !== 'status_code' ? '[redacted]' : value;
  }
  return out;
}
