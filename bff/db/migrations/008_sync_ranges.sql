-- Import checkpoints by Id range. Pages are read by keyset (`WHERE Id > after_id ORDERBY Id`), so a record
-- deleted or created between two pages moves nothing: positions shift, Ids do not. A range is the Ids above
-- lower_id ('' = from the first) up to upper_id (null = to the last); after_id is the last Id whose page
-- committed (null = none yet). One range per type today; a type split into several ranges can be fetched in
-- parallel, each range with its own checkpoint, committed with its page.
create table sync_ranges (
  run_id text not null references sync_runs (id) on delete cascade,
  type text not null,
  lower_id text not null default '',
  upper_id text,
  after_id text,
  finished boolean not null default false,
  primary key (run_id, type, lower_id)
);
