-- Financial datasets read from QuickBooks' own reports (ProfitAndLoss by month, BalanceSheet at each month end),
-- one row per connection, dataset, accounting basis, month and report line. A line is a QuickBooks account id
-- (never a label, so a rename changes nothing) or a report total ('total:revenue', 'total:cash', ...).
create table report_cells (
  connection_id text not null references connections (id) on delete cascade,
  dataset text not null check (dataset in ('profit_and_loss', 'balance_sheet')),
  basis text not null check (basis in ('accrual', 'cash')),
  period date not null,
  line text not null,
  cents bigint not null,
  primary key (connection_id, dataset, basis, period, line)
);

-- When each month of a dataset was last fetched and whether its lines added up to the report's own totals.
create table report_periods (
  connection_id text not null references connections (id) on delete cascade,
  dataset text not null,
  basis text not null,
  period date not null,
  fetched_at timestamptz not null,
  currency text,
  verified boolean not null,
  -- Where the lines and the totals differ: [{section, expected, found}] (empty when verified).
  differences jsonb not null default '[]',
  primary key (connection_id, dataset, basis, period)
);

-- Accounts as the reports nest them (the mirrored Account records, when present, win for names and parents).
create table report_accounts (
  connection_id text not null references connections (id) on delete cascade,
  account_id text not null,
  dataset text not null,
  label text not null,
  parent_id text,
  section text not null,
  primary key (connection_id, account_id)
);

-- The transaction dates the datasets last accounted for: a transaction moved to another day touches both.
create table report_txn_dates (
  connection_id text not null references connections (id) on delete cascade,
  type text not null,
  external_id text not null,
  txn_date date,
  primary key (connection_id, type, external_id)
);

create table metric_definitions (
  id text primary key,
  tenant_id text not null,
  organization_id text not null,
  connection_id text not null references connections (id) on delete cascade,
  name text not null,
  dataset text not null,
  -- A QuickBooks account id, or a report total ('total:revenue').
  line text not null,
  include_sub_accounts boolean not null,
  aggregation text not null,
  period text not null,
  basis text not null,
  currency text not null,
  created_by text,
  created_at timestamptz not null default now()
);
create index metric_definitions_connection on metric_definitions (connection_id, created_at);

create table metric_values (
  metric_id text not null references metric_definitions (id) on delete cascade,
  period text not null,
  value numeric(20, 2) not null,
  complete boolean not null,
  computed_at timestamptz not null,
  primary key (metric_id, period)
);
