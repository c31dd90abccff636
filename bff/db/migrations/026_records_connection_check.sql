-- records.connection_id keeps its foreign key's meaning (no record of a missing connection; deleting a
-- connection deletes its records) without the foreign key's cost. The foreign key checked each inserted row by
-- its own query (about 4 µs a record of the 30 Postgres spends storing an import page, the largest share after
-- parsing the JSON); an import inserts records a thousand at a time, so the check is made once per statement,
-- over the statement's new rows, for the connections they name (one in practice).
-- FOR KEY SHARE, as the foreign key's check: a connection being deleted waits for the inserting transaction, then
-- its delete (below, run after it with a fresh snapshot) sees and deletes what that transaction stored; an insert
-- after the connection is gone fails.
alter table records drop constraint records_connection_id_fkey;

create function records_check_connections() returns trigger language plpgsql as $$
declare
  missing text;
begin
  select n.connection_id into missing
  from (select distinct connection_id from new_records) n
  left join lateral (select 1 as found from connections c where c.id = n.connection_id for key share of c) c on true
  where c.found is null
  limit 1;
  if found then
    raise foreign_key_violation using
      message = format('insert or update on table "records" violates its connection check: no connection %s', missing),
      constraint = 'records_connection_id_fkey';
  end if;
  return null;
end $$;

create trigger records_check_connections after insert on records
  referencing new table as new_records for each statement execute function records_check_connections();

-- No statement changes a record's connection; one that tried would escape the check above.
create function records_keep_connection() returns trigger language plpgsql as $$
begin
  raise foreign_key_violation using message = 'a record''s connection_id cannot change', constraint = 'records_connection_id_fkey';
end $$;

create trigger records_keep_connection before update of connection_id on records
  for each row when (old.connection_id is distinct from new.connection_id) execute function records_keep_connection();

-- The foreign key's ON DELETE CASCADE.
create function connections_delete_records() returns trigger language plpgsql as $$
begin
  delete from records where connection_id = old.id;
  return null;
end $$;

create trigger connections_delete_records after delete on connections
  for each row execute function connections_delete_records();

-- A record whose JSON passes about 2 KB (an invoice of a dozen lines) is compressed as it is stored: with pglz,
-- the default, that compression was 4 % of Postgres' CPU importing the 200k bench company (perf); lz4 compresses
-- several times faster, and reads back faster too. Servers built without lz4 keep pglz.
do $$
begin
  if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
    alter table records alter column data set compression lz4;
  end if;
end $$;
