import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { SyncStatusUser } from './client-sync-status.ts';

/** Visibility being edited: one connection's (from its details) or the selection's (bulk). */
export interface VisibilityDraft {
  target: string | { bulk: string[] };
  mode: 'organization' | 'restricted';
  userIds: ReadonlySet<string>;
  busy: boolean;
  error: string | undefined;
}

export interface VisibilityEditorOptions {
  /** People admins may choose from. */
  users: readonly SyncStatusUser[];
  locale: string | undefined;
  /** The draft changed (a radio or a person picked). */
  change: (patch: Partial<VisibilityDraft>) => void;
  save: () => void;
  /** Cancel or Escape. */
  close: () => void;
}

/**
 * "Who can see this company" (or the selected companies): everyone in the organization, or chosen people. A form
 * inside the element's shadow root, styled by its sheet; the element owns the draft and the request.
 */
export function visibilityEditor(draft: VisibilityDraft, options: VisibilityEditorOptions): TemplateResult {
  const bulk = typeof draft.target === 'object' ? draft.target.bulk : undefined;
  const count = new Intl.NumberFormat(options.locale);
  const title = bulk
    ? `Who can see the ${count.format(bulk.length)} selected ${bulk.length === 1 ? 'company' : 'companies'}`
    : 'Who can see this company';
  const setDraft = options.change;
  return html`<form
    class="visibility-editor"
    part="visibility-editor"
    aria-labelledby="visibility-title"
    @submit=${(event: Event) => {
      event.preventDefault();
      options.save();
    }}
    @keydown=${(event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        options.close();
      }
    }}
  >
    <fieldset>
      <legend id="visibility-title">${title}</legend>
      <label class="radio">
        <input type="radio" name="visibility-mode" value="organization" .checked=${live(draft.mode === 'organization')} @change=${() => setDraft({ mode: 'organization' })} />
        Everyone in your organization
      </label>
      <label class="radio">
        <input type="radio" name="visibility-mode" value="restricted" .checked=${live(draft.mode === 'restricted')} @change=${() => setDraft({ mode: 'restricted' })} />
        Selected people
      </label>
      ${draft.mode === 'restricted'
        ? options.users.length === 0
          ? html`<p class="muted small people-empty">No people to choose from. Admins still see every company.</p>`
          : html`<div class="people" role="group" aria-label="People who can see it">
              ${options.users.map(
                (user) => html`<label class="check">
                  <input
                    type="checkbox"
                    value=${user.id}
                    .checked=${live(draft.userIds.has(user.id))}
                    @change=${(event: Event) => {
                      const ids = new Set(draft.userIds);
                      if ((event.target as HTMLInputElement).checked) ids.add(user.id);
                      else ids.delete(user.id);
                      setDraft({ userIds: ids });
                    }}
                  />
                  ${user.name}
                </label>`,
              )}
            </div>
            <p class="muted small">${draft.userIds.size === 0 ? 'Nobody chosen: only admins will see it.' : `${count.format(draft.userIds.size)} chosen. Admins always see every company.`}</p>`
        : nothing}
    </fieldset>
    ${draft.error ? html`<p class="editor-error" role="alert">${draft.error}</p>` : nothing}
    <div class="editor-actions">
      <button type="submit" class="button primary small" aria-disabled=${draft.busy ? 'true' : nothing}>${draft.busy ? 'Saving…' : 'Save'}</button>
      <button type="button" class="button small" @click=${options.close}>Cancel</button>
    </div>
  </form>`;
}
