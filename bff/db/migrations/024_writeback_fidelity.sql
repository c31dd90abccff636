-- Write-back review (issue 15).
-- A time entry carries no marker (QuickBooks gives TimeActivity no private field, and its Description is what
-- people read): after an uncertain create it is found by what the create sent, kept here with its version.
alter table documents add column create_sent jsonb;
-- ...and a QuickBooks time entry is held by one document only, so two identical entries never adopt one record.
create unique index documents_time_record on documents (connection_id, provider_id) where kind = 'time_activity' and provider_id is not null;
-- The list filters by DocNumber.
create index documents_doc_number on documents (connection_id, provider_doc_number) where provider_doc_number is not null;

-- Products, classes and locations (departments) map like tax rates, categories and staff: the host sends them
-- through host-records and maps each to a QuickBooks item, class or department.
alter table host_records drop constraint host_records_kind_check;
alter table host_records add constraint host_records_kind_check
  check (kind in ('suppliers', 'customers', 'tax-rates', 'billable-categories', 'staff', 'products', 'classes', 'locations'));
alter table mappings drop constraint mappings_kind_check;
alter table mappings add constraint mappings_kind_check
  check (kind in ('tax-rates', 'billable-categories', 'staff', 'products', 'classes', 'locations', 'defaults'));
