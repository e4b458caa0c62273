import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Role } from '../../events/index.js';
import { ValidationError } from '../errors.js';
import { isLoopback } from '../server/host-guard.js';
import { sha256, type AccessPolicy } from '../server/policy.js';
import { DEFAULT_MAX_CONNECTIONS } from '../server/start.js';

export interface SecurityOptions {
  joinSecretFile?: string;
  restrictRoles?: string;
  readAuth?: boolean;
  rateLimit?: string;
  maxConnections?: string;
  tlsCert?: string;
  tlsKey?: string;
  publicUrl?: string;
  insecure?: boolean;
}

export interface ServeSecurity {
  policy: AccessPolicy;
  tls: { cert: Buffer; key: Buffer } | undefined;
  maxConnections: number;
  /** Generated for this run because none was given: printed once, kept nowhere. */
  generatedSecret: string | undefined;
  /** Reachable from other machines (a non-loopback bind, or a proxy in front). */
  exposed: boolean;
}

/** A join secret anyone could guess would admit anyone. */
const MIN_SECRET_LENGTH = 16;
/** Per token holder, when exposed and not told otherwise: far above what an agent's turns need. */
export const DEFAULT_RATE_PER_MINUTE = 1_200;

const fail = (field: string, reason: string): never => {
  throw new ValidationError([{ field, reason }]);
};

function readFile(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    return fail(field, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function count(raw: string | undefined, field: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min) fail(field, `must be a whole number of at least ${min}`);
  return Number(raw);
}

function roles(raw: string | undefined): Set<string> {
  if (raw === undefined) return new Set(['coordinator']);
  if (raw === 'none') return new Set();
  const names = raw.split(',').map((r) => r.trim());
  const bad = names.find((name) => !Role().safeParse(name).success);
  if (bad !== undefined) fail('--restrict-roles', `"${bad}" is not a role name: give roles separated by commas, or "none"`);
  return new Set(names);
}

function proxyOf(raw: string | undefined, insecure: boolean): { host: string } | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('--public-url', `must be the URL agents use, like https://cairn.example.com, not "${raw}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && insecure)) fail('--public-url', 'must start with https:// (the proxy in front terminates TLS), or pass --insecure');
  return { host: url.hostname.toLowerCase() };
}

/**
 * What serving on `host` with these flags lets in. On loopback with no flags nothing changes:
 * joins are open and reads need no token. Reachable from elsewhere (a non-loopback bind, or a
 * proxy declared with --public-url), a first join needs the join secret (CAIRN_JOIN_SECRET,
 * --join-secret-file, or one generated and printed once), coordinator needs an invitation,
 * every read needs a token, each token is rate limited, and plain HTTP is refused unless
 * --insecure: tokens and the log would cross the network in clear text.
 */
export function serveSecurity(host: string, options: SecurityOptions, env: NodeJS.ProcessEnv = process.env): ServeSecurity {
  const insecure = options.insecure === true;
  const proxy = proxyOf(options.publicUrl, insecure);
  const exposed = !isLoopback(host) || proxy !== undefined;

  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) fail(options.tlsCert ? '--tls-key' : '--tls-cert', 'is needed with the other: TLS takes a certificate and its key');
  const tls = options.tlsCert && options.tlsKey ? { cert: readFile(options.tlsCert, '--tls-cert'), key: readFile(options.tlsKey, '--tls-key') } : undefined;
  if (!isLoopback(host) && !tls && !proxy && !insecure) {
    fail('--host', `${host} is reachable from other machines, and plain HTTP would carry tokens and the log in clear text: give --tls-cert and --tls-key, or --public-url https://… for a TLS proxy in front (docs/deploy.md), or --insecure on a network you trust`);
  }

  const fromFile = options.joinSecretFile === undefined ? undefined : readFile(options.joinSecretFile, '--join-secret-file').toString('utf8').trim();
  const given = fromFile ?? (env.CAIRN_JOIN_SECRET || undefined);
  const field = fromFile !== undefined ? '--join-secret-file' : 'CAIRN_JOIN_SECRET';
  if (given !== undefined && given.length < MIN_SECRET_LENGTH) fail(field, `must be at least ${MIN_SECRET_LENGTH} characters: a short secret can be guessed`);
  const generatedSecret = given === undefined && exposed ? randomBytes(24).toString('base64url') : undefined;
  const secret = given ?? generatedSecret;

  if (options.restrictRoles !== undefined && secret === undefined) fail('--restrict-roles', 'applies only with a join secret: set CAIRN_JOIN_SECRET');

  const rate = count(options.rateLimit, '--rate-limit', exposed ? DEFAULT_RATE_PER_MINUTE : 0, 0);
  return {
    policy: {
      joinSecretSha256: secret === undefined ? undefined : sha256(secret),
      restrictedRoles: secret === undefined ? new Set() : roles(options.restrictRoles),
      readAuth: options.readAuth ?? exposed,
      ratePerMinute: rate === 0 ? undefined : rate,
      proxy,
    },
    tls,
    maxConnections: count(options.maxConnections, '--max-connections', DEFAULT_MAX_CONNECTIONS, 1),
    generatedSecret,
    exposed,
  };
}
