/**
 * Why a button is disabled for this user's role, naming who can: "Only admins and accountants can start a sync.
 * Ask an admin in your organization." Role names are the host's own ("practice_manager" reads "practice manager").
 */
export function onlyRolesCan(roles: readonly string[], action: string, locale?: string): string {
  const words = roles.map((role) => role.replace(/[_.:-]+/g, ' '));
  const plural = words.map((role) => (role.endsWith('s') ? role : `${role}s`));
  const list = new Intl.ListFormat(locale ?? 'en', { type: 'conjunction' }).format(plural);
  const first = words[0] ?? 'admin';
  const article = /^[aeiou]/i.test(first) ? 'an' : 'a';
  return `Only ${list} can ${action}. Ask ${article} ${first} in your organization.`;
}
