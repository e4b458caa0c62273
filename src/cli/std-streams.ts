import { fstatSync, readSync, writeSync } from 'node:fs';

/**
 * Standard output and error. A command's answer (and its hints) are a few bounded writes, so
 * they go straight to file descriptors 1 and 2: creating process.stdout or process.stderr
 * (for a pipe that loads node:net) cost ~2 ms each of every call, and agents call the CLI
 * dozens of times a session. Commands that stream (export, log --follow) take the stream from
 * streamOut() instead. Either way a reader that stops reading (`cairn export | head`) ends the
 * command quietly, as Unix tools do.
 */

let stream: NodeJS.WriteStream | undefined;

/** Writes all of `text` to standard output before returning. */
export function writeOut(text: string): void {
  // Once the stream exists, keep to it so nothing overtakes what it still holds.
  if (stream) stream.write(text);
  else writeAll(1, text);
}

/** Writes all of `text` to standard error before returning. */
export function writeErr(text: string): void {
  writeAll(2, text);
}

/** process.stdout, for commands that stream; a closed pipe ends the command quietly. */
export function streamOut(): NodeJS.WriteStream {
  if (!stream) {
    stream = process.stdout;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      endQuietly();
    });
  }
  return stream;
}

/**
 * All of standard input when it is a pipe, socket or file (what a program gives a child), read
 * synchronously to its end; undefined for a terminal, which would wait for typing.
 */
export function readStdinIfGiven(): string | undefined {
  const stat = fstatSync(0);
  if (!stat.isFIFO() && !stat.isSocket() && !stat.isFile()) return undefined;
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    let read: number;
    try {
      read = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      // A non-blocking descriptor whose writer has not written yet.
      if (code !== 'EAGAIN') throw error;
      pause();
      continue;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, read)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') endQuietly();
      // A non-blocking descriptor inherited from the parent, and the reader is behind.
      if (code !== 'EAGAIN') throw error;
      pause();
    }
  }
}

/** A millisecond's wait for a non-blocking descriptor, without an event loop to wait in. */
function pause(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
}

function endQuietly(): never {
  process.exit(process.exitCode ?? 0);
}
