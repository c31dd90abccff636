-- Write-back review (issue 15): an Idempotency-Key belongs to one connection's outbox. The same key reused for
-- another company is another request (the documents endpoint is per connection), not "a different request body".
alter table document_requests add column connection_id text;
update document_requests r set connection_id = d.connection_id from documents d where d.id = r.document_id;
-- A stored answer whose document is gone cannot be placed: it answered for no connection that still has it.
delete from document_requests where connection_id is null;
alter table document_requests alter column connection_id set not null;
alter table document_requests drop constraint document_requests_pkey;
alter table document_requests add primary key (tenant_id, connection_id, idempotency_key);
