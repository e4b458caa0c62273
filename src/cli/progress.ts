import type { Progress } from '../runtime/progress.js';

/** Progress on stderr, for a person watching a long command: never in --json output or into a pipe. */

export async function progressBar(json: boolean | undefined, label: string): Promise<Progress | undefined> {
  if (json || !process.stderr.isTTY) return undefined;
  // Loaded only here: most commands never draw one.
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} events`, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, done);
      started = true;
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
