import { css, html, type TemplateResult } from 'lit';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import { rolesWith, type Capability } from '../../shared/api/roles.ts';
import type { SessionInfo } from '../../shared/api/sessions.ts';
import { withArticle } from '../../shared/text/article.ts';

export type { Capability };

/**
 * Whether this session's role may do what `capability` covers, by the same rule the BFF refuses with
 * (shared/api/roles.ts): an action this says no to is hidden, or shown disabled with `permissionNote`, in every
 * component. False while the session or settings are still loading.
 */
export function roleCan(
  state: { readonly session: SessionInfo | undefined; readonly settings: OrganizationSettings | undefined },
  capability: Capability,
): boolean {
  const role = state.session?.user.role;
  if (role === undefined || !state.settings) return false;
  return rolesWith(state.settings, capability).includes(role) && !(capability === 'write' && state.settings.read_only);
}

/** The note's words for a capability: `onlyRolesCan` with the roles that hold it. */
export function capabilityNote(settings: Pick<OrganizationSettings, 'connect_roles' | 'sync_roles'>, capability: Capability, action: string, locale?: string): string {
  return onlyRolesCan(rolesWith(settings, capability), action, locale);
}

/**
 * The one way every component says why an action is unavailable to this person's role. Use it like this:
 *
 * ```ts
 * static styles = [themeStyles, …, permissionNoteStyles, myStyles];
 * html`${permissionNote('permission-sync', onlyRolesCan(settings.sync_roles, 'start a sync'))}
 *      <button aria-disabled="true" aria-describedby="permission-sync">Sync now</button>`
 * ```
 *
 * Disabled controls stay focusable (`aria-disabled`, not `disabled`) and point at the note with
 * `aria-describedby`, so keyboard and screen-reader users reach the explanation. Hosts style it with
 * `::part(permission-note)`.
 */
export function permissionNote(id: string, text: string): TemplateResult {
  // The id sits on the text alone, so aria-describedby reads the sentence and nothing else.
  return html`<p class="permission-note" part="permission-note">
    <svg class="permission-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M4 6V4.5a4 4 0 1 1 8 0V6h.5A1.5 1.5 0 0 1 14 7.5v6a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-6A1.5 1.5 0 0 1 3.5 6H4Zm1.5 0h5V4.5a2.5 2.5 0 0 0-5 0V6Z"
      />
    </svg>
    <span id=${id}>${text}</span>
  </p>`;
}

/**
 * Why this role cannot act, naming who can: "Only admins and accountants can start a sync. Ask an admin in your
 * organization." Role names are the host's own ("practice_manager" reads "practice manager").
 */
export function onlyRolesCan(roles: readonly string[], action: string, locale?: string): string {
  const words = roles.map((role) => role.replace(/[_.:-]+/g, ' '));
  const plural = words.map((role) => (role.endsWith('s') ? role : `${role}s`));
  const list = new Intl.ListFormat(locale ?? 'en', { type: 'conjunction' }).format(plural);
  const first = words[0] ?? 'admin';
  return `Only ${list} can ${action}. Ask ${withArticle(first)} in your organization.`;
}

/** The note's look, the same in every component: a quiet line with a lock, on the raised surface. */
export const permissionNoteStyles = css`
  .permission-note {
    display: flex;
    align-items: flex-start;
    gap: calc(var(--_space) * 2);
    margin: 0;
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
    color: var(--_text-muted);
    font-size: 0.93em;
    line-height: 1.4;
  }
  .permission-icon {
    flex: none;
    /* Sized here as well as by its attributes: a component's own svg rules (a chart's width: 100%) must not reach it. */
    width: 14px;
    height: 14px;
    margin-top: 0.15em;
  }
`;
