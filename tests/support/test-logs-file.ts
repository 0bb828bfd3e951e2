import { join } from 'node:path';

/** The file that keeps one test's handler log lines (a test id is letters, digits, _ and -). */
export const logFileOf = (logDir: string, testId: string) =>
  join(logDir, `${testId.replace(/[^A-Za-z0-9_-]/g, '_')}.log`);
