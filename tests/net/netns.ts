import { execFileSync } from 'node:child_process';

/**
 * Network hosts on this machine: one network namespace per host, the server's joined to each
 * agent's by a veth pair on its own /24. No namespace has a route anywhere else, so traffic
 * stays among them. Needs root and iproute2; `unavailable` says why not.
 */
export interface Hosts {
  server: string;
  /** Per agent host: its namespace, and the server's address as that host sees it. */
  agents: { ns: string; serverAddress: string }[];
  /** Every address the server has: for its certificate. */
  serverAddresses: string[];
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    ip('netns', 'add', `cairn-probe-${process.pid}`);
    ip('netns', 'del', `cairn-probe-${process.pid}`);
  } catch (error) {
    return `\`ip netns add\` failed: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}`;
  }
  return undefined;
}

export function makeHosts(agentCount: number): Hosts {
  const tag = process.pid % 10_000;
  const net = 100 + (process.pid % 100); // 10.<net>.<agent>.0/24, per test process
  const server = `cairn-srv-${tag}`;
  const names = [server, ...Array.from({ length: agentCount }, (_, i) => `cairn-h${i + 1}-${tag}`)];
  const remove = () => {
    for (const ns of names) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // never made, or gone already
      }
    }
  };
  try {
    for (const ns of names) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    const agents = names.slice(1).map((ns, i) => {
      const serverSide = `cs${i + 1}-${tag}`.slice(0, 15);
      const agentSide = `ca${i + 1}-${tag}`.slice(0, 15);
      ip('link', 'add', serverSide, 'netns', server, 'type', 'veth', 'peer', 'name', agentSide, 'netns', ns);
      const serverAddress = `10.${net}.${i + 1}.1`;
      ip('-n', server, 'addr', 'add', `${serverAddress}/24`, 'dev', serverSide);
      ip('-n', ns, 'addr', 'add', `10.${net}.${i + 1}.2/24`, 'dev', agentSide);
      ip('-n', server, 'link', 'set', serverSide, 'up');
      ip('-n', ns, 'link', 'set', agentSide, 'up');
      return { ns, serverAddress };
    });
    return { server, agents, serverAddresses: agents.map((a) => a.serverAddress), remove };
  } catch (error) {
    remove();
    throw error;
  }
}
