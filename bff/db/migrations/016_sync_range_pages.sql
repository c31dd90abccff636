-- A type split into several Id ranges is paged in parallel (bff/sync/import-run.ts). Each range counts the
-- query pages committed into it, in the commit that stores them, so "which pages are committed" is exact per
-- range: a resumed run, and a check of it, can tell the pages it must fetch from those it already holds.
alter table sync_ranges add column pages integer not null default 0;
