-- A host ends one user's widget sessions: tokens issued before revoked_before stop working.
-- organization_id '*' covers every organization of the tenant.
create table session_revocations (
  tenant_id text not null references tenants (id) on delete cascade,
  organization_id text not null,
  user_id text not null,
  revoked_before timestamptz not null,
  primary key (tenant_id, organization_id, user_id)
);
