import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;

export interface ConnectOptions {
  /** Pool size; PGlite serialises anyway, a real Postgres benefits from a few. */
  max?: number;
  /** Called for every query sent: benches count database round-trips with it. */
  onQuery?: () => void;
  /** The pool's `application_name`, as pg_stat_activity shows it (tests pick out their own sessions by it). */
  applicationName?: string;
}

/** One postgres.js pool for the process. Notices are dropped (migrations' IF NOT EXISTS chatter). */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  return postgres(withoutSocketHost(url), {
    path: unixSocketPath(url),
    max: options.max ?? 10,
    onnotice: () => {},
    idle_timeout: 30,
    connect_timeout: 10,
    transform: { undefined: null },
    ...(options.onQuery ? { debug: options.onQuery } : {}),
    ...(options.applicationName ? { connection: { application_name: options.applicationName } } : {}),
  }) as unknown as Sql;
}

export type Tx = postgres.TransactionSql<Record<string, never>>;

/** Either the pool or an open transaction: store functions that may run inside a caller's transaction take this. */
export type Queryable = Sql | Tx;

/**
 * libpq's convention for a Unix-domain socket: `postgres://user@localhost/db?host=/dir` means the socket
 * `/dir/.s.PGSQL.<port>`. postgres.js only takes a socket as its `path` option, so we translate.
 */
function unixSocketPath(url: string): string | undefined {
  const parsed = new URL(url);
  const dir = parsed.searchParams.get('host');
  return dir?.startsWith('/') ? `${dir}/.s.PGSQL.${parsed.port || 5432}` : undefined;
}

function withoutSocketHost(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.get('host')?.startsWith('/')) return url;
  parsed.searchParams.delete('host');
  return parsed.toString();
}
