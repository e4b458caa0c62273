import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { printLine } from './output.js';

const CLI = fileURLToPath(new URL('./main.cjs', import.meta.url));

/**
 * A short four-role session played through the real CLI, one process per command, exactly
 * as agents would call it; then the coordinator's board.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Play a short explorer/builder/reflector/coordinator session on a fresh log and print the board')
    .option('--dir <dir>', 'where to create the demo log (default: a new temporary directory)')
    .action((options: { dir?: string }) => {
      const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cairn-demo-'));
      const store = join(dir, 'log.db');
      const env = { ...process.env, CAIRN_STORE: store };
      const run = (as: string | undefined, ...args: string[]): string => {
        const argv = as ? [...args, '--as', as] : args;
        printLine(`$ cairn ${argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
        try {
          const out = execFileSync(process.execPath, [CLI, ...argv], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
          printLine(out.trimEnd().replace(/^/gm, '  '));
          return out.trim();
        } catch (error) {
          const e = error as { status: number; stderr: string };
          printLine(`  (exit ${e.status}) ${e.stderr.trim()}`);
          return '';
        }
      };
      const json = (as: string, ...args: string[]) => JSON.parse(execFileSync(process.execPath, [CLI, ...args, '--as', as, '--json'], { env, encoding: 'utf8' })) as Record<string, string>;

      run(undefined, 'init');
      run('ada', 'join', '--role', 'reflector');
      run('eve', 'join', '--role', 'explorer');
      run('bo', 'join', '--role', 'builder');
      run('cy', 'join', '--role', 'coordinator');
      const question = json('ada', 'ask', 'Why do uploads stall under load?', '--tag', 'uploads');
      printLine(`$ cairn ask "Why do uploads stall under load?" --tag uploads --as ada\n  asked ${question.questionId}`);
      const task = json('bo', 'propose', 'Build a load generator for the upload path', '--tag', 'uploads,tooling');
      printLine(`$ cairn propose "Build a load generator for the upload path" --tag uploads,tooling --as bo\n  proposed ${task.taskId}`);
      run('bo', 'claim', task.taskId!, '--lease', '30m');
      run('eve', 'claim', task.taskId!);
      run('eve', 'find', 'Uploads stall when the retry loop ignores the Retry-After header', '--topic', 'uploads', '--question', question.questionId!);
      run('bo', 'find', 'Under load the client retries immediately, ignoring the server Retry-After header', '--topic', 'uploads', '--question', question.questionId!);
      run('eve', 'say', 'Retry-After is ignored on 503s; worth a look before the load test', '--to', 'role:builder');
      run('bo', 'inbox', '--mark-read');
      run('bo', 'done', task.taskId!, '--outcome', 'load generator in tools/load; reproduces the stall');
      run('ada', 'sync');
      run('cy', 'status');
      printLine(`\nThe log is at ${store}; explore it with CAIRN_STORE=${store} cairn log`);
    });
}
