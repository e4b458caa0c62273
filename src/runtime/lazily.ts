/**
 * An object whose every property is made on first use, then kept: the table writers know
 * some eighty prepared statements, and a command that folds one event uses a handful.
 */
export function lazily<T extends Record<string, () => unknown>>(makers: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const made = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const key of Object.keys(makers) as (keyof T)[]) {
    let value: ReturnType<T[typeof key]> | undefined;
    Object.defineProperty(made, key, { enumerable: true, get: () => (value ??= makers[key]!() as ReturnType<T[typeof key]>) });
  }
  return made;
}
