// The one account email src/pool/emails.ts does not have: the answer to a registration with an
// address that already has an account. The page says the same for a new and a known address
// (no account enumeration, dcrstakepool#420); this mail tells the owner what happened.
import { SUBJECTS } from '../../../pool/emails.ts';
import type { MailMessage } from '../../../pool/mailer.ts';

export function alreadyRegisteredMessage(i: {
  to: string;
  baseUrl: string;
  ip: string;
}): MailMessage {
  const base = i.baseUrl.replace(/\/+$/, '');
  return {
    to: i.to,
    subject: SUBJECTS.verifyEmail,
    text: [
      'Hello,',
      '',
      `Someone at IP address ${i.ip} tried to register an account at ${base} with this email address, which already has one.`,
      'Nothing was changed, and no new account was made.',
      '',
      `If it was you, log in at ${base}/login, or choose a new password at ${base}/passwordreset if you forgot it.`,
      'If it was not you, you can ignore this email.',
      '',
    ].join('\n'),
  };
}
