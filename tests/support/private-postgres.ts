/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary directory, its own port), for
 * what must not be done to the machine's shared server: killing every one of its processes.
 * Needs the server binaries; as root it runs them as the `postgres` user, as initdb requires.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory, or why there is none to use. */
export function serverBinaries(): { bin: string } | { skip: string } {
  if (!existsSync(BIN_ROOT)) return { skip: `no PostgreSQL server binaries under ${BIN_ROOT}` };
  const versions = readdirSync(BIN_ROOT).filter((v) => existsSync(join(BIN_ROOT, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) return { skip: `no initdb under ${BIN_ROOT}` };
  if (process.getuid?.() === 0 && !userExists('postgres')) return { skip: 'running as root and there is no postgres user to run the server as' };
  return { bin: join(BIN_ROOT, versions[0]!, 'bin') };
}

export interface PrivateCluster {
  url: string;
  /** SIGKILL to the postmaster and every backend at once: a crash, not a shutdown. */
  crash(): Promise<void>;
  /** Starts it again (crash recovery replays the WAL). */
  start(): void;
  /** Stops it and removes its directory. */
  destroy(): void;
}

/** initdb and start; `settings` go to postgresql.conf through -c. */
export async function privateCluster(bin: string, settings: Record<string, string> = {}): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-pgcluster-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const exec = (tool: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { stdio: 'pipe', cwd: dir });
  exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const start = () => {
    exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async crash() {
      const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const backends = execFileSync('pgrep', ['-P', String(postmaster)]).toString().split('\n').filter(Boolean).map(Number);
      for (const pid of [postmaster, ...backends]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // The postmaster is gone when its children are: wait for them, so the restart finds the port free.
      for (let i = 0; i < 200 && [postmaster, ...backends].some(alive); i++) await sleep(50);
    },
    start,
    destroy() {
      try {
        exec('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
