import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Tokens a client was issued, per server and instance, so an agent that joined once can go on
 * with only CAIRN_URL and --as. Kept like other command-line credentials: a file only its
 * user can read (`$XDG_CONFIG_HOME/cairn/credentials.json`).
 */
interface CredentialsFile {
  version: 1;
  servers: Record<string, Record<string, string>>;
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'cairn', 'credentials.json');
}

function read(path: string): CredentialsFile {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<CredentialsFile>;
    return { version: 1, servers: parsed.servers ?? {} };
  } catch {
    return { version: 1, servers: {} };
  }
}

export function savedToken(server: string, instanceId: string, path = credentialsPath()): string | undefined {
  const tokens = read(path).servers[server];
  return tokens && Object.hasOwn(tokens, instanceId) ? tokens[instanceId] : undefined;
}

export function saveToken(server: string, instanceId: string, token: string, path = credentialsPath()): void {
  const data = read(path);
  (data.servers[server] ??= {})[instanceId] = token;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}
