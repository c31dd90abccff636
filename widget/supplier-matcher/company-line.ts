import { html, nothing, type TemplateResult } from 'lit';
import type { Connection } from '../../shared/api/connections.ts';

/**
 * The line above the tabs naming the QuickBooks company the lists come from, so nobody links suppliers in the
 * wrong books. When the user may see several companies it is a menu; choosing one calls `select` with its id.
 * Nothing is shown until the list of companies is known (matching works without it).
 */
export function renderCompanyLine(list: readonly Connection[] | undefined, id: string | undefined, select: (id: string) => void): TemplateResult | typeof nothing {
  if (!list || list.length === 0) return nothing;
  if (list.length === 1 && list[0]!.id === id) {
    return html`<p class="company" part="company"><span class="muted">QuickBooks company</span> <strong>${companyName(list[0]!)}</strong></p>`;
  }
  return html`<div class="company" part="company">
    <label class="muted" for="company-select">QuickBooks company</label>
    <select id="company-select" class="filter" part="company-select" @change=${(event: Event) => select((event.target as HTMLSelectElement).value)}>
      ${list.some((connection) => connection.id === id) ? nothing : html`<option value="" selected disabled>Choose a company</option>`}
      ${list.map(
        (connection) => html`<option value=${connection.id} ?selected=${connection.id === id}>
          ${companyName(connection)}${connection.status === 'connected' ? '' : ' (needs reconnecting)'}
        </option>`,
      )}
    </select>
  </div>`;
}

/** The company's name as QuickBooks gives it, else its legal name, else its id. */
export function companyName(connection: Connection): string {
  return connection.company_name || connection.legal_name || `QuickBooks company ${connection.external_id}`;
}
