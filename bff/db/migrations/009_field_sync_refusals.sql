-- A field QuickBooks refuses (duplicate name, over its length) is logged with the classified reason instead
-- of failing the request or the sync that carried it.
alter table field_sync_log drop constraint field_sync_log_action_check;
alter table field_sync_log add constraint field_sync_log_action_check
  check (action in ('pushed', 'reported', 'conflict', 'skipped_read_only', 'refused'));
alter table field_sync_log add column fault jsonb;
