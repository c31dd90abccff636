/**
 * Mailbox providers anyone can sign up to. Two records sharing "gmail.com" says nothing about being the same
 * company, so these domains never count as "email domain" evidence (an identical full address still counts).
 * Brands that run one domain per country ("yahoo.co.uk", "hotmail.fr") are matched by their first label.
 */
const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'pm.me', 'mail.com', 'email.com', 'zoho.com', 'zohomail.com', 'fastmail.com',
  'hey.com', 'tutanota.com', 'qq.com', '163.com', '126.com', 'naver.com', 'web.de', 't-online.de', 'freenet.de',
  'orange.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'wanadoo.fr', 'libero.it', 'btinternet.com', 'sky.com',
  'virginmedia.com', 'talktalk.net', 'ntlworld.com', 'bigpond.com', 'bigpond.net.au', 'optusnet.com.au',
  'xtra.co.nz', 'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'cox.net', 'charter.net', 'shaw.ca',
  'rogers.com', 'sympatico.ca', 'eircom.net', 'rediffmail.com', 'inbox.com', 'yandex.com', 'mail.ru',
]);

const FREE_MAIL_BRANDS: ReadonlySet<string> = new Set(['yahoo', 'ymail', 'hotmail', 'live', 'outlook', 'gmx', 'yandex']);

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL_DOMAINS.has(domain) || FREE_MAIL_BRANDS.has(domain.split('.')[0] ?? '');
}
