import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;

export interface ConnectOptions {
  /** Pool size; PGlite serialises anyway, a real Postgres benefits from a few. */
  max?: number;
}

/** One postgres.js pool for the process. Notices are dropped (migrations' IF NOT EXISTS chatter). */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    idle_timeout: 30,
    connect_timeout: 10,
    transform: { undefined: null },
  }) as unknown as Sql;
}

export type Tx = postgres.TransactionSql<Record<string, never>>;

/** Either the pool or an open transaction: store functions that may run inside a caller's transaction take this. */
export type Queryable = Sql | Tx;
