/**
 * A pure function of a string, remembered for the last few thousand arguments: folds meet the
 * same words, topics and texts again and again. The memo is cleared when full, so what the
 * function returns never depends on it, and its memory stays bounded on a month of work.
 */
export function boundedMemo<R>(compute: (key: string) => R, max: number): (key: string) => R {
  const memo = new Map<string, R>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined && !memo.has(key)) {
      value = compute(key);
      if (memo.size >= max) memo.clear();
      memo.set(key, value);
    }
    return value as R;
  };
}

/** What `make` returns, made on the first call and kept: for values that cost to build and may never be needed. */
export function once<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}
