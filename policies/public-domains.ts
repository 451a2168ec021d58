// Mail domains that belong to no company: a policy may never capture their users.
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  '126.com', '163.com', 'aol.com', 'fastmail.com', 'gmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'googlemail.com',
  'hey.com', 'hotmail.co.uk', 'hotmail.com', 'hotmail.fr', 'icloud.com', 'live.com', 'mac.com', 'mail.com', 'mail.ru',
  'me.com', 'msn.com', 'outlook.com', 'proton.me', 'protonmail.com', 'qq.com', 't-online.de', 'tutanota.com',
  'web.de', 'yahoo.co.uk', 'yahoo.com', 'yahoo.fr', 'yandex.com', 'yandex.ru', 'zoho.com',
]);
