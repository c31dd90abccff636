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
  const threshold = rank[level];
  // Redacted once per logger, not per line: a request's logger is a child whose base holds its ids.
  let safeBase: Record<string, unknown> | undefined;
  const log = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (rank[at] < threshold) return;
    safeBase ??= redact(base);
    write(JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...safeBase, ...(fields ? redact(fields) : {}) }) + '\n');
  };
  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) out[key] = { name: value.name, message: value.message, stack: value.stack };
    else out[key] = secretFields.test(key) && key !== 'status_code' ? '[redacted]' : value;
  }
  return out;
}
