import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What is kept per instance: never the token, only its SHA-256. */
interface TokenRecord {
  sha256: string;
  issuedAt: string;
}

interface TokenFile {
  version: 1;
  /** Per instance: acts as it, for reads and writes. */
  tokens: Record<string, TokenRecord>;
  /** Per reader name (a dashboard, a person): reads only, as nobody. */
  readers: Record<string, TokenRecord>;
}

/** Whom a token belongs to. */
export type TokenHolder = { instanceId: string } | { reader: string };

const hashOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Bearer tokens, one per instance. Tokens are secrets and the log is shared and replayed
 * forever, so they never go into the log: only a hash of each is kept, in a file beside the
 * store (mode 0600, replaced atomically), or in memory for a store without a cache directory.
 * The file is re-read when it changes, so `cairn token` can issue one while a server runs.
 */
export class TokenStore {
  private data: TokenFile = { version: 1, tokens: {}, readers: {} };
  /** Identifies the file version loaded: each atomic replace makes a new inode. */
  private loadedVersion = '';

  private constructor(private readonly file: string | undefined) {}

  /** Tokens kept in `<cacheDir>/tokens.json`; in memory only when there is no cache directory. */
  static forCacheDir(cacheDir: string | undefined): TokenStore {
    return new TokenStore(cacheDir === undefined ? undefined : join(cacheDir, 'tokens.json'));
  }

  static inMemory(): TokenStore {
    return new TokenStore(undefined);
  }

  has(instanceId: string): boolean {
    return Object.hasOwn(this.load().tokens, instanceId);
  }

  /** Issues a new token for an instance, replacing any earlier one; returns it (the only time it is seen). */
  issue(instanceId: string, now: Date = new Date()): string {
    return this.issueIn('tokens', instanceId, now);
  }

  /** Issues a read-only token under a name (replacing that name's earlier one). */
  issueReader(name: string, now: Date = new Date()): string {
    return this.issueIn('readers', name, now);
  }

  private issueIn(kind: 'tokens' | 'readers', name: string, now: Date): string {
    const token = randomBytes(32).toString('base64url');
    const data = this.load();
    data[kind][name] = { sha256: hashOf(token).toString('hex'), issuedAt: now.toISOString() };
    this.save(data);
    return token;
  }

  /** Forgets an instance's token (a join that failed after its token was reserved). */
  revoke(instanceId: string): void {
    const data = this.load();
    delete data.tokens[instanceId];
    this.save(data);
  }

  /** The instance a token belongs to, or undefined (a reader's token acts as no instance). */
  instanceOf(token: string): string | undefined {
    const holder = this.holderOf(token);
    return holder && 'instanceId' in holder ? holder.instanceId : undefined;
  }

  /** Whom a token belongs to, or undefined for a token nobody was issued. */
  holderOf(token: string): TokenHolder | undefined {
    const presented = hashOf(token);
    const data = this.load();
    const instanceId = matching(data.tokens, presented);
    if (instanceId !== undefined) return { instanceId };
    const reader = matching(data.readers, presented);
    return reader === undefined ? undefined : { reader };
  }

  private load(): TokenFile {
    if (this.file === undefined) return this.data;
    let version: string;
    try {
      const stat = statSync(this.file);
      version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      return this.data; // no file yet: nothing issued
    }
    if (version !== this.loadedVersion) {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<TokenFile>;
      this.data = { version: 1, tokens: { ...(parsed.tokens ?? {}) }, readers: { ...(parsed.readers ?? {}) } };
      this.loadedVersion = version;
    }
    return this.data;
  }

  private save(data: TokenFile): void {
    this.data = data;
    if (this.file === undefined) return;
    mkdirSync(dirname(this.file), { recursive: true });
    // Write beside, then rename: a reader sees the old file or the new one, never half of one.
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
    this.loadedVersion = '';
  }
}

function matching(records: Record<string, TokenRecord>, presented: Buffer): string | undefined {
  for (const [name, record] of Object.entries(records)) {
    const stored = Buffer.from(record.sha256, 'hex');
    if (stored.length === presented.length && timingSafeEqual(stored, presented)) return name;
  }
  return undefined;
}
