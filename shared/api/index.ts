export * from './common.ts';
export * from './connections.ts';
export * from './errors.ts';
export * from './organizations.ts';
export * from './sessions.ts';
export * from './tenants.ts';
export * from './oauth.ts';
export * from './sync.ts';
