-- Rate limits shared by every replica: each process counts locally and adds its count here every ~200 ms
-- (one upsert for all its buckets), reading back the total. Unlogged: after a crash the counters restart
-- at zero, which costs at most one minute of allowance and saves a WAL write per flush.
create unlogged table rate_limit_counters (
  bucket text not null,
  -- Minutes since the Unix epoch: every limit counts in one-minute windows.
  window_start integer not null,
  hits integer not null,
  primary key (bucket, window_start)
);
create index rate_limit_counters_window on rate_limit_counters (window_start);

-- Checks that anyone may trigger (Intuit's Disconnect URL takes no credential): one per company and period,
-- across replicas. A row is claimed by moving last_at forward only when the period has passed.
create table provider_probes (
  probe_key text primary key,
  last_at timestamptz not null
);
