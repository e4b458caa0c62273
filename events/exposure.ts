import * as z from 'zod';
import { once } from '../src/memo.js';
import { InstanceId, PositionString } from './fields.js';

/** What a reader without an identity is recorded as: not an instance id anyone can join with. */
export const ANONYMOUS = 'anonymous';

/**
 * A stream whose content a read can show: the carriers of what one instance knows to another.
 * Made on first use, as the fields are: a command whose input and events take the generated
 * validators (src/runtime/validate/) builds no zod schema at all, and so never pays zod's set-up.
 */
export const ShownStream = once(() =>
  z
    .string()
    .max(120, { message: 'must be at most 120 characters' })
    .regex(/^(finding|synthesis|message|question|task|judgment)-[A-Za-z0-9][A-Za-z0-9._:~-]*$/, {
      message: 'must be a finding-, synthesis-, message-, question-, task- or judgment- stream',
    }),
);

/** How many streams one ContentShown names; a read that showed more appends several. */
export const MAX_SHOWN_STREAMS = 2_000;

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const exposureEvents = {
  /**
   * A read showed an instance (or an anonymous reader) content written by others: the edge of
   * happens-before that reads add. `streams` were shown as they stood at `upTo`; with
   * `everything`, every event up to `upTo` was (an export, a full replay). Only what was new to
   * the reader is named, so a read that showed nothing new appends nothing.
   */
  ContentShown: () =>
    z.strictObject({
      /** Absent: a read without an identity (an analyst, the dashboard), counted, never ignored. */
      instanceId: InstanceId().optional(),
      /** The operation or surface that showed it: findings, inbox, log, dashboard… */
      via: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, { message: 'must be a lower-case operation name' }),
      upTo: PositionString(),
      streams: z.array(ShownStream()).max(MAX_SHOWN_STREAMS, { message: `must have at most ${MAX_SHOWN_STREAMS} entries` }),
      everything: z.boolean(),
    }),
};
