-- One counter that moves whenever something that can end a widget session changes: a secret key revoked or
-- deleted (deleting a tenant deletes its keys), or a host ending a user's sessions. Every process reads it a
-- few times a second and may trust what it read about a session while the counter stands still, instead of
-- re-reading every session's standing (bff/auth/session-revocation.ts). Triggers, so no path that ends
-- sessions (routes, the tenant CLI, plain SQL) can forget to move it.
create table session_revocation_version (
  singleton boolean primary key default true check (singleton),
  version bigint not null
);
insert into session_revocation_version (singleton, version) values (true, 0);

create function bump_session_revocation_version() returns trigger language plpgsql as $$
begin
  update session_revocation_version set version = version + 1;
  return null;
end
$$;

create trigger tenant_secret_keys_end_sessions after update or delete on tenant_secret_keys
  for each statement execute function bump_session_revocation_version();
create trigger session_revocations_end_sessions after insert or update or delete on session_revocations
  for each statement execute function bump_session_revocation_version();
