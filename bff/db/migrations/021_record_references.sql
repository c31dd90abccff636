-- Which records of a connection hold a named reference with a given value, at any depth (a bill's VendorRef,
-- a line's CustomerRef, a bill payment's CheckPayment.BankAccountRef): a rename or deactivation in QuickBooks
-- renames every reference to that record, and this index finds the records holding one without reading the
-- whole company (bff/records/reference-names.ts). Only references carrying a name are kept: only those get
-- renamed. The values sit under the connection's id, so each index entry (path and value hashed together)
-- belongs to one company: Ids like "58" recur in every company and must not make the others' records
-- candidates. The expression must stay identical to `holdsReferenceTo` there, or the planner cannot use it.
create index records_references on records using gin (
  jsonb_set('{}'::jsonb, array[connection_id], jsonb_path_query_array(data, 'lax $.** ? (exists(@.name)).value')) jsonb_path_ops
);
