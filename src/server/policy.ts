import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who may come in and what they may do without a token: the server's answer to being reached
 * from other machines. `serve` derives it from its bind address and flags (see
 * src/cli/serve-policy.ts); a loopback server with no flags is open, as cairn always was.
 */
export interface AccessPolicy {
  /** SHA-256 of the join secret a first join over HTTP must present; undefined: joins are open. */
  joinSecretSha256: Buffer | undefined;
  /** Roles a join over HTTP may take only with an invitation for that role. */
  restrictedRoles: ReadonlySet<string>;
  /** Every read (operations, views, the event stream, MCP) needs a token. */
  readAuth: boolean;
  /** Requests per minute per token (per address without one); undefined: unlimited. */
  ratePerMinute: number | undefined;
  /** A TLS proxy in front: its host name is accepted and it names the client (X-Forwarded-For). */
  proxy: { host: string } | undefined;
}

export const OPEN_POLICY: AccessPolicy = { joinSecretSha256: undefined, restrictedRoles: new Set(), readAuth: false, ratePerMinute: undefined, proxy: undefined };

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Compares a presented secret with the kept digest in constant time. */
export function secretMatches(policy: AccessPolicy, presented: string): boolean {
  if (policy.joinSecretSha256 === undefined) return false;
  return timingSafeEqual(sha256(presented), policy.joinSecretSha256);
}
