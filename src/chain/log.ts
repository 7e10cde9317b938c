// The logging the jobs need: pino's (object, message) call shape, so a pino child logger fits and
// tests can pass an object literal that records the lines.

export interface JobLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const SILENT_LOG: JobLog = { debug() {}, info() {}, warn() {}, error() {} };
