import Database from 'better-sqlite3';

/** Recognising SQLite's errors, and waiting out a busy database where a call must stay synchronous. */

export const isSqliteError = (error: unknown): error is Error & { code: string } => error instanceof Database.SqliteError;

export const codeOf = (error: unknown): string | undefined => (isSqliteError(error) ? error.code : undefined);

export const isBusy = (error: unknown): boolean => {
  const code = codeOf(error) ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
};

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Synchronous retry on SQLITE_BUSY for opening, which must stay synchronous. */
export function withBusyRetrySync<T>(body: () => T): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      return body();
    } catch (error) {
      if (!isBusy(error) || attempt >= 50) throw error;
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}
