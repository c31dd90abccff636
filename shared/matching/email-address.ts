import { isFreeMailDomain } from './free-mail-domains.ts';

/** A comparable email address: the mailbox as delivered, its organisation's domain, and whether that is free mail. */
export interface EmailAddress {
  address: string;
  domain: string;
  freeMail: boolean;
}

// Second-level labels under which organisations register ("acme.co.uk", "acme.com.au"), so the organisation's
// domain is three labels there and two elsewhere.
const SECOND_LEVEL_LABELS = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'ltd', 'plc', 'edu', 'govt', 'nhs']);
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Normalises an address so two ways of writing one mailbox compare equal: case, surrounding "<…>" and spaces,
 * "+tag" sub-addresses, and Gmail's ignored dots. Returns undefined for anything that is not an address.
 * The domain is reduced to the organisation's registered domain: "accounts.acme.co.uk" → "acme.co.uk".
 */
export function readEmailAddress(written: string | undefined): EmailAddress | undefined {
  if (!written) return undefined;
  const match = /([^\s<>"'@]+)@([^\s<>"'@]+\.[a-z]{2,})/i.exec(written.trim());
  if (!match) return undefined;
  let local = (match[1] ?? '').toLowerCase();
  const host = (match[2] ?? '').toLowerCase().replace(/\.+$/, '');
  const domain = organisationDomain(host);
  const plusAt = local.indexOf('+');
  if (plusAt > 0) local = local.slice(0, plusAt);
  if (GMAIL_DOMAINS.has(domain)) local = local.replace(/\./g, '');
  return { address: `${local}@${domain}`, domain, freeMail: isFreeMailDomain(domain) };
}

function organisationDomain(host: string): string {
  const labels = host.split('.');
  const keep = labels.length >= 3 && SECOND_LEVEL_LABELS.has(labels[labels.length - 2] ?? '') ? 3 : 2;
  return labels.slice(-keep).join('.');
}
