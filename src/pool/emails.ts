// The texts of the legacy pool's account emails. Plain text only; each names the IP address
// the request came from, so a user who did not ask for it can tell someone else did. The
// subjects are dcrstakepool's, so filters users set up for the old pool still match.
import type { MailMessage } from './mailer.ts';

export const SUBJECTS = {
  verifyEmail: 'Voting service provider email verification',
  passwordReset: 'Voting service password reset',
  emailChange: 'Voting service email change',
  passwordChanged: 'Voting service password change',
} as const;

interface LinkMessageInput {
  to: string;
  /** The pool's public URL (config baseurl). */
  baseUrl: string;
  /** The secret token the link carries (shown once, only its hash is stored). */
  token: string;
  /** The address the request came from. */
  ip: string;
}

interface ExpiringLinkInput extends LinkMessageInput {
  /** How long the link works; default 1 hour. */
  expiresInMinutes?: number;
}

/** Sent to the address a user registered with. */
export function verifyEmailMessage(i: LinkMessageInput): MailMessage {
  return {
    to: i.to,
    subject: SUBJECTS.verifyEmail,
    text: lines(
      'Hello,',
      '',
      `Someone at IP address ${i.ip} created an account with this email address at ${trimBase(i.baseUrl)}.`,
      'To confirm that the address is yours and activate the account, open this link:',
      '',
      link(i.baseUrl, '/emailverify', i.token),
      '',
      'If you did not sign up, ignore this email: the account cannot be used until the address is confirmed.',
    ),
  };
}

/** Sent when a password reset is asked for an existing account. */
export function passwordResetMessage(i: ExpiringLinkInput): MailMessage {
  return {
    to: i.to,
    subject: SUBJECTS.passwordReset,
    text: lines(
      'Hello,',
      '',
      `A password reset for your account at ${trimBase(i.baseUrl)} was requested from IP address ${i.ip}.`,
      `To choose a new password, open this link within ${duration(i.expiresInMinutes)}:`,
      '',
      link(i.baseUrl, '/passwordupdate', i.token),
      '',
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ),
  };
}

/** Sent to the NEW address of an email change; the link completes the change. */
export function emailChangeNewMessage(i: ExpiringLinkInput & { oldEmail: string }): MailMessage {
  return {
    to: i.to,
    subject: SUBJECTS.emailChange,
    text: lines(
      'Hello,',
      '',
      `From IP address ${i.ip}, the account ${i.oldEmail} at ${trimBase(i.baseUrl)} asked to use this email address (${i.to}) from now on.`,
      `To confirm the change, open this link within ${duration(i.expiresInMinutes)}:`,
      '',
      link(i.baseUrl, '/emailupdate', i.token),
      '',
      'If you did not ask for this, ignore this email: nothing changes until the link is opened.',
    ),
  };
}

/** Sent to the OLD address of an email change, as a warning; it carries no link. */
export function emailChangeOldMessage(i: {
  to: string;
  newEmail: string;
  baseUrl: string;
  ip: string;
}): MailMessage {
  return {
    to: i.to,
    subject: SUBJECTS.emailChange,
    text: lines(
      'Hello,',
      '',
      `From IP address ${i.ip}, someone logged in to your account at ${trimBase(i.baseUrl)} asked to change its email address to ${i.newEmail}.`,
      'The change takes effect only when a link sent to the new address is opened.',
      '',
      'If this was not you, change your password now and contact the pool operator.',
    ),
  };
}

/** Sent after a password was changed (from the settings page or through a reset link). */
export function passwordChangedMessage(i: {
  to: string;
  baseUrl: string;
  ip: string;
}): MailMessage {
  return {
    to: i.to,
    subject: SUBJECTS.passwordChanged,
    text: lines(
      'Hello,',
      '',
      `The password of your account at ${trimBase(i.baseUrl)} was changed from IP address ${i.ip}.`,
      'Every other session of the account was logged out.',
      '',
      'If this was not you, reset your password at once and contact the pool operator:',
      '',
      `${trimBase(i.baseUrl)}/passwordreset`,
    ),
  };
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

function link(baseUrl: string, path: string, token: string): string {
  return `${trimBase(baseUrl)}${path}?t=${encodeURIComponent(token)}`;
}

function duration(minutes = 60): string {
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function lines(...l: string[]): string {
  return `${l.join('\n')}\n`;
}
