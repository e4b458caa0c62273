import { HTTP_WAIT_CAP_MS } from '../app/bounded-wait.js';
import type { Operation } from '../app/operation.js';
import { DomainError, StoreUnavailableError, ValidationError, WaitTimeoutError, type FieldIssue } from '../errors.js';
import { saveToken, savedToken } from './credentials.js';

/** How long a request may take; a wait gets the server's cap plus a margin, so the server answers first. */
export const REQUEST_TIMEOUT_MS = 60_000;
export const WAIT_REQUEST_TIMEOUT_MS = HTTP_WAIT_CAP_MS + 30_000;

/** Sent so the server refuses, rather than obeys, a token used as some other instance. */
const INSTANCE_HEADER = 'X-Cairn-Instance';
/** Where a join presents CAIRN_JOIN_SECRET (src/server/join-route.ts). */
const JOIN_SECRET_HEADER = 'X-Cairn-Join-Secret';

/** A cairn server's base URL, checked: `http(s)://host:port`, without a trailing slash. */
export function serverUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError([{ field: 'CAIRN_URL', reason: `must be a URL like http://127.0.0.1:4747, not "${raw}"` }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError([{ field: 'CAIRN_URL', reason: 'must start with http:// or https://' }]);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

interface ErrorJson {
  error?: { code?: string; message?: string; issues?: FieldIssue[]; timeoutMs?: number };
}

/**
 * Turns a server's refusal back into the error the local CLI would have thrown, so a command
 * exits with the same code whether the log is here or behind CAIRN_URL.
 */
export function errorFromResponse(status: number, body: unknown): Error {
  const error = (body as ErrorJson | undefined)?.error ?? {};
  const message = error.message ?? `the server answered HTTP ${status}`;
  const code = error.code ?? 'refused';
  if (status === 400 || status === 413) return new ValidationError(error.issues?.length ? error.issues : [{ field: '(input)', reason: message }]);
  if (status === 401 && code === 'token_required') return new ValidationError([{ field: 'CAIRN_TOKEN', reason: message }]);
  if (code === 'admission_required' || code === 'wrong_join_secret') return new ValidationError([{ field: 'CAIRN_JOIN_SECRET', reason: message }]);
  if (status === 429) return new DomainError(message, code);
  if (status === 401 || status === 403 || status === 404 || status === 409) return new DomainError(message, code);
  if (status === 408) return new WaitTimeoutError(error.timeoutMs ?? 0);
  if (status === 503) return new StoreUnavailableError(message);
  return new Error(`the server failed: ${message}`);
}

function unreachable(url: string, error: unknown, timeoutMs: number): StoreUnavailableError {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError') return new StoreUnavailableError(`no answer from the cairn server at ${url} within ${Math.round(timeoutMs / 1000)}s`, { cause: error });
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new StoreUnavailableError(`cannot reach the cairn server at ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
}

export interface RemoteIdentity {
  /** `--as` / CAIRN_INSTANCE: who joins, and whose saved token to use. */
  instanceId?: string | undefined;
  /** CAIRN_TOKEN: wins over a saved token. */
  token?: string | undefined;
  /** CAIRN_JOIN_SECRET: the server's join secret, or an invitation code; sent only on join. */
  joinSecret?: string | undefined;
}

/** The identity an agent's environment gives it: CAIRN_TOKEN, CAIRN_JOIN_SECRET. */
export const identityFromEnv = (instanceId: string | undefined, env: NodeJS.ProcessEnv = process.env): RemoteIdentity => ({
  instanceId,
  token: env.CAIRN_TOKEN || undefined,
  joinSecret: env.CAIRN_JOIN_SECRET || undefined,
});

/**
 * A cairn server reached over HTTP (CAIRN_URL): runs operations there as the instance its
 * token names. What an agent on another machine needs is the URL and its token; `join`
 * issues the token and saves it, so later commands need only `--as`.
 */
export class RemoteClient {
  readonly url: string;

  constructor(url: string, private readonly identity: RemoteIdentity = {}) {
    this.url = serverUrl(url);
  }

  private token(): string | undefined {
    if (this.identity.token) return this.identity.token;
    return this.identity.instanceId ? savedToken(this.url, this.identity.instanceId) : undefined;
  }

  /** Runs an operation on the server with its raw input: the server validates it with the same schema. */
  async run(op: Operation, input: unknown): Promise<unknown> {
    if (op.name === 'join') return this.join(input);
    const token = this.token();
    if (op.writes && token === undefined) {
      throw new ValidationError([{ field: 'CAIRN_TOKEN', reason: `is required to ${op.name} on ${this.url}: join first with --as ID (the token it issues is saved), or set CAIRN_TOKEN` }]);
    }
    return this.request('POST', `/api/ops/${op.name}`, { body: input, token, timeoutMs: op.name === 'wait' ? WAIT_REQUEST_TIMEOUT_MS : REQUEST_TIMEOUT_MS });
  }

  /** Joins as `--as`; the first join of an instance is issued a token, which is saved and returned. */
  async join(input: unknown): Promise<unknown> {
    const instanceId = this.identity.instanceId;
    if (!instanceId) throw new ValidationError([{ field: '--as', reason: 'is required to join: the server issues a token for this instance id' }]);
    const fields = input !== null && typeof input === 'object' ? input : {};
    const headers = this.identity.joinSecret ? { [JOIN_SECRET_HEADER]: this.identity.joinSecret } : undefined;
    const result = (await this.request('POST', '/api/join', { body: { ...fields, instanceId }, token: this.token(), headers })) as { token?: string };
    if (typeof result.token === 'string') saveToken(this.url, instanceId, result.token);
    return result;
  }

  async request(method: 'GET' | 'POST', path: string, options: { body?: unknown; token?: string | undefined; timeoutMs?: number; headers?: Record<string, string> | undefined } = {}): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: { ...this.headers(options.token, method === 'POST' ? 'application/json' : undefined), ...options.headers },
        body: method === 'POST' ? JSON.stringify(options.body ?? {}) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw unreachable(this.url, error, timeoutMs);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new StoreUnavailableError(`${this.url} answered HTTP ${response.status} with something other than JSON: is CAIRN_URL a cairn server?`);
    }
    if (!response.ok) throw errorFromResponse(response.status, json);
    return json;
  }

  /** A streaming GET (NDJSON or server-sent events); the caller reads and cancels the body. */
  async open(path: string, accept: string, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, { headers: { ...this.headers(this.token()), Accept: accept, ...headers }, signal });
    } catch (error) {
      throw unreachable(this.url, error, 0);
    }
    if (!response.ok || !response.body) {
      const json = await response.json().catch(() => undefined);
      throw errorFromResponse(response.status, json);
    }
    return response;
  }

  private headers(token: string | undefined, contentType?: string): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (contentType) headers['Content-Type'] = contentType;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.identity.instanceId) headers[INSTANCE_HEADER] = this.identity.instanceId;
    return headers;
  }
}
