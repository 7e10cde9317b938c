// Limits the account forms state and the routes enforce.
export const MIN_PASSWORD_LENGTH = 8;
/** Longest password accepted (the form parser's field limit is far above any real one). */
export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_EMAIL_LENGTH = 254;
