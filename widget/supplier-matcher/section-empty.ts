import { html, nothing, type TemplateResult } from 'lit';
import { capitalize } from '../format/text.ts';
import type { SectionKey, UnmatchedView } from './matching-sections.ts';
import type { PartyWords } from './party-words.ts';

/**
 * What an empty section says: why it is empty in plain words, and the one next step (a button to the section that
 * has work), so a bookkeeper never lands on a blank panel. `show` moves to another section and focuses its tab.
 */
export function renderSectionEmpty(
  tab: SectionKey,
  view: UnmatchedView,
  counts: Record<SectionKey, number>,
  words: PartyWords,
  show: (section: SectionKey) => void,
): TemplateResult {
  const go = (section: SectionKey, label: string) => html`<button type="button" class="button small" @click=${() => show(section)}>${label}</button>`;
  let title: string;
  let text: string;
  let next: TemplateResult | typeof nothing = nothing;
  switch (tab) {
    case 'auto':
      title = 'No automatic matches to review';
      text = `Pairs that agree on name and other details show up here, ready to accept in one go.`;
      next =
        counts.suggested > 0 ? go('suggested', 'Review suggestions')
        : counts.unmatched > 0 ? go('unmatched', `Match unmatched ${words.hosts}`)
        : counts.linked > 0 ? go('linked', `See linked ${words.hosts}`)
        : nothing;
      break;
    case 'suggested':
      title = 'No suggestions to review';
      text = `Likely pairs that need a person's eye show up here with the reasons they match.`;
      next = counts.unmatched > 0 ? go('unmatched', `Match unmatched ${words.hosts}`) : counts.linked > 0 ? go('linked', `See linked ${words.hosts}`) : nothing;
      break;
    case 'unmatched':
      if (view === 'provider') {
        title = `Every QuickBooks ${words.provider} is in your list`;
        text = `QuickBooks ${words.providers} with no partner among your ${words.hosts} show up here, ready to import.`;
      } else {
        title = `Every ${words.host} has a QuickBooks ${words.provider}`;
        text = `${capitalize(words.hosts)} without a partner show up here to choose one by hand or create it in QuickBooks.`;
      }
      break;
    case 'linked':
      title = `No ${words.hosts} linked yet`;
      text = `Accept the automatic matches or confirm suggestions to link your ${words.hosts} to QuickBooks ${words.providers}.`;
      next = counts.auto > 0 ? go('auto', 'Review automatic matches') : counts.suggested > 0 ? go('suggested', 'Review suggestions') : nothing;
      break;
  }
  return html`<div class="empty" part="empty">
    <p class="empty-title">${title}</p>
    <p class="muted">${text}</p>
    ${next}
  </div>`;
}
