import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { spawnCairn, type RunOptions, type Spawned } from '../cli/run.js';

/** Reads the first line the process prints: `serve --json` prints where it listens. */
export function firstLine(child: Spawned['child']): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing`)));
  });
}

export interface ServeProcess extends Spawned {
  url: string;
  /** The join secret `serve` generated, when it did. */
  joinSecret: string | undefined;
}

/** `cairn serve --json ARGS` as its own process, once it listens. */
export async function serveProcess(args: string[], options: RunOptions = {}): Promise<ServeProcess> {
  const spawned = spawnCairn(['serve', '--json', ...args], options);
  const started = JSON.parse(await firstLine(spawned.child)) as { url: string; joinSecret?: string };
  return { ...spawned, url: started.url, joinSecret: started.joinSecret };
}

/** A self-signed certificate for these addresses (openssl), and its key: `cert` is also what a client trusts. */
export function selfSignedCert(dir: string, ips: string[]): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const names = ips.map((ip) => `IP:${ip}`).join(',');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=cairn-test', '-addext', `subjectAltName=${names}`], { stdio: 'ignore' });
  return { cert, key };
}
