/**
 * `keepalived-lint -`: the config comes from standard input. It is linted under the name
 * --stdin-filename gives (relative to the cwd), or "<stdin>" in the cwd, through a host that
 * serves the piped text for that path and reads every other file (includes, scripts) from disk.
 * Example: `cat lb7.conf | keepalived-lint - --stdin-filename hosts/lb7/keepalived.conf`
 *   -> paths ['/repo/hosts/lb7/keepalived.conf'], findings at hosts/lb7/keepalived.conf:LINE.
 * Standard input is read as a file is: at most MAX_FILE_BYTES (reading stops past it: `yes |
 * keepalived-lint -` ends), bytes that are not UTF-8 read as Latin-1.
 */
import * as path from 'node:path';
import { MAX_FILE_BYTES, decodeBytes, type FileHost, type TextEncoding } from '../source/host.js';
import { overlayHost } from '../source/overlay-host.js';

/**
 * Standard input: its bytes as they come (the bin passes process.stdin), or already text (a
 * caller that decoded it, the tests).
 */
export type StdinReader = () => Promise<string> | AsyncIterable<Uint8Array | string>;

const STDIN_TOO_LARGE =
  `standard input is larger than ${MAX_FILE_BYTES / 1048576} ` +
  `MiB, the most keepalived-lint reads (a keepalived configuration ` +
  `is kilobytes; 10,000 instances are about 4 MiB): stopped ` +
  `reading it`;

/** All of standard input up to the cap, decoded as files are; an error past the cap. */
export async function readStdin(
  read: StdinReader,
): Promise<{ text: string; encoding: TextEncoding } | { error: string }> {
  const got = read();
  if (typeof (got as Promise<string>).then === 'function') {
    const text = await (got as Promise<string>);
    return Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES ? { error: STDIN_TOO_LARGE } : { text, encoding: 'utf8' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early ends the iteration (the stream is destroyed): nothing more is read.
  for await (const chunk of got as AsyncIterable<Uint8Array | string>) {
    const buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += buf.length;
    if (size > MAX_FILE_BYTES) return { error: STDIN_TOO_LARGE };
    chunks.push(buf);
  }
  return decodeBytes(Buffer.concat(chunks, size));
}

export const STDIN_PATH = '-';
export const STDIN_NAME = '<stdin>';

export interface StdinSource {
  /** Standard input. */
  read?: StdinReader;
  cwd: string;
}

export type LintInput = { paths: string[]; host: FileHost; stdinFile: string | null } | { error: string };

export async function withStdin(
  paths: string[],
  stdinFilename: string | undefined,
  src: StdinSource,
  host: FileHost,
): Promise<LintInput> {
  if (!paths.includes(STDIN_PATH)) {
    if (stdinFilename !== undefined)
      return { error: '--stdin-filename names the config read from standard input: add - to the paths' };
    return { paths, host, stdinFile: null };
  }
  if (!src.read) return { error: 'standard input cannot be read here' };
  const file = path.resolve(src.cwd, stdinFilename ?? STDIN_NAME);
  let piped: Awaited<ReturnType<typeof readStdin>>;
  try {
    piped = await readStdin(src.read);
  } catch (e) {
    return { error: `cannot read standard input: ${e instanceof Error ? e.message : String(e)}` };
  }
  if ('error' in piped) return piped;
  return {
    paths: paths.map((p) => (p === STDIN_PATH ? file : p)),
    host: overlayHost(host, new Map([[file, piped]])),
    stdinFile: file,
  };
}
