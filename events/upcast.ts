/**
 * Upcasters lift the data of an event written with an older schema version to the next
 * version, one step at a time, before it is validated. The log is never rewritten: old
 * events stay as they were stored and are upgraded each time they are read.
 */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface UpcasterRegistry {
  /** The version every event is lifted to. */
  readonly currentVersion: number;
  /** steps[type][v] lifts data of `type` from version v to v + 1. A missing step means "no change". */
  readonly steps: Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;
}

export function upcast(
  type: string,
  data: Record<string, unknown>,
  fromVersion: number,
  registry: UpcasterRegistry,
): Record<string, unknown> {
  let lifted = data;
  for (let v = fromVersion; v < registry.currentVersion; v++) {
    const step = registry.steps[type]?.[v];
    if (step) lifted = step(lifted);
  }
  return lifted;
}
