-- The values of the named references a record holds, at any depth (a bill's VendorRef, a line's CustomerRef,
-- a bill payment's CheckPayment.BankAccountRef): a rename or deactivation in QuickBooks renames every
-- reference to that record, and this index finds the records holding one without reading them all
-- (bff/records/reference-names.ts). Only references carrying a name are kept: only those get renamed.
-- The expression must stay identical to `referenceValues` there, or the planner stops using it.
create index records_references on records using gin (jsonb_path_query_array(data, 'lax $.** ? (exists(@.name)).value'));
