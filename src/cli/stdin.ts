/**
 * `keepalived-lint -`: the config comes from standard input. It is linted under the name
 * --stdin-filename gives (relative to the cwd), or "<stdin>" in the cwd, through a host that
 * serves the piped text for that path and reads every other file (includes, scripts) from disk.
 * Example: `cat lb7.conf | keepalived-lint - --stdin-filename hosts/lb7/keepalived.conf`
 *   -> paths ['/repo/hosts/lb7/keepalived.conf'], findings at hosts/lb7/keepalived.conf:LINE.
 */
import * as path from 'node:path';
import type { FileHost } from '../source/host.js';
import { overlayHost } from '../source/overlay-host.js';

export const STDIN_PATH = '-';
export const STDIN_NAME = '<stdin>';

export interface StdinSource {
  /** Reads all of standard input. */
  read?: () => Promise<string>;
  cwd: string;
}

export type LintInput = { paths: string[]; host: FileHost; stdinFile: string | null } | { error: string };

export async function withStdin(paths: string[], stdinFilename: string | undefined, src: StdinSource, host: FileHost): Promise<LintInput> {
  if (!paths.includes(STDIN_PATH)) {
    if (stdinFilename !== undefined) return { error: '--stdin-filename names the config read from standard input: add - to the paths' };
    return { paths, host, stdinFile: null };
  }
  if (!src.read) return { error: 'standard input cannot be read here' };
  const file = path.resolve(src.cwd, stdinFilename ?? STDIN_NAME);
  let text: string;
  try {
    text = await src.read();
  } catch (e) {
    return { error: `cannot read standard input: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { paths: paths.map((p) => (p === STDIN_PATH ? file : p)), host: overlayHost(host, new Map([[file, text]])), stdinFile: file };
}
