-- QuickBooks answers that were refused rather than stored: the report's own header said it is not what was asked
-- (another accounting basis, currency, date range or column layout), so its figures would have been stored under
-- the wrong basis or months. One row per month of the refused range, replaced by the next answer; a month with a
-- refusal is fetched again on the next refresh and its dataset reads as unverified, saying why, until then. The
-- figures last accepted for the month (if any) stay in report_cells and report_periods.
create table report_refusals (
  connection_id text not null references connections (id) on delete cascade,
  dataset text not null,
  basis text not null,
  period date not null,
  refused_at timestamptz not null,
  reason text not null,
  -- [{period, section: 'Header.ReportBasis' | ..., expected, found}]
  differences jsonb not null default '[]',
  primary key (connection_id, dataset, basis, period)
);

-- The day a value runs to when its period was not over at the fetch (the current month "to date"; a Balance
-- Sheet of the current month "as of" that day); null once every month of the period was fetched after it ended.
alter table metric_values add column to_date date;
