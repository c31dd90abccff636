-- List mirroring: which QuickBooks list records (accounts, customers & projects, classes, departments, items)
-- the host has taken into its own product, and the records.change_seq it took. "Import new" hands over rows
-- with no entry here; "Update existing" hands over entries whose record moved past mirrored_seq. A record
-- deactivated or tombstoned after it was mirrored is flagged once (flagged_deleted_at) and never removed
-- from here: the host decides what a QuickBooks deletion means in its product.
create table list_mirrors (
  connection_id text not null references connections (id) on delete cascade,
  type text not null,
  external_id text not null,
  mirrored_seq bigint not null,
  mirrored_at timestamptz not null default now(),
  flagged_deleted_at timestamptz,
  primary key (connection_id, type, external_id)
);
