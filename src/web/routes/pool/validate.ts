// The checks the account forms apply to what a user typed; each returns the message to show.
import {
  MAX_EMAIL_LENGTH,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from '../../views/pool/limits.ts';

// One address, nothing that could add a recipient or reach a mail header: the mailer refuses
// the same characters, so every stored address can be mailed.
const EMAIL = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+$/;

/** The typed address to show again with an error: trimmed and bounded, '' for a non-string. */
export function typedEmail(input: unknown): string {
  return typeof input === 'string' ? input.trim().slice(0, MAX_EMAIL_LENGTH) : '';
}

/** The trimmed address, or why it is not one. */
export function checkEmail(input: unknown): { email: string } | { error: string } {
  const email = typeof input === 'string' ? input.trim() : '';
  if (email === '') return { error: 'Enter your email address.' };
  if (email.length > MAX_EMAIL_LENGTH) {
    return { error: `An email address has at most ${MAX_EMAIL_LENGTH} characters.` };
  }
  if (!EMAIL.test(email)) return { error: 'That is not a valid email address.' };
  return { email };
}

/** Undefined when the new password and its repetition are fine. */
export function checkNewPassword(password: unknown, repeat: unknown): string | undefined {
  const pw = typeof password === 'string' ? password : '';
  if (pw.length < MIN_PASSWORD_LENGTH) {
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  }
  if (pw.length > MAX_PASSWORD_LENGTH) {
    return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  }
  if (pw !== repeat) return 'The passwords do not match.';
  return undefined;
}
