-- Which months a metric value covers and why it is partial, so a period that is not a full one reads as such
-- (issue 16 review): the first quarter or year of the window may hold only its last months ("Dec only"), and the
-- current period runs only to the day of the fetch ("to date"). partial lists the reasons: window_start (months
-- before the window are not in the datasets), to_date (a month not over when fetched, or months still to come),
-- months_missing (months inside the window not fetched). Rows written before this migration have nulls until the
-- next recompute rewrites them; the API reads a null as the whole period.
alter table metric_values add column months_from text;
alter table metric_values add column months_to text;
alter table metric_values add column partial text[] not null default '{}';
