// Moved to the shared permission-note pattern; kept so existing imports keep working.
export { onlyRolesCan } from '../base/permission-note.ts';
