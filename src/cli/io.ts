/**
 * What main() is handed instead of process globals (bin/ passes the real ones; tests pass their
 * own). Its own module so the commands can name it without importing src/cli/index.ts, which
 * imports them.
 */
import type { FileHost } from '../source/host.js';
import type { StdinReader } from './stdin.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  isTTY: boolean;
  host?: FileHost;
  /** Writes a file the user asked for (--write-baseline); default: node:fs. */
  writeFile?: (file: string, text: string) => void;
  /**
   * Standard input (for `keepalived-lint -`): its bytes (process.stdin), read up to the 16 MiB cap
   * and decoded as files are, or text already read; absent where there is none to read.
   */
  stdin?: StdinReader;
  /** stderr is a terminal (the progress line), and its width. */
  stderrIsTTY?: boolean;
  columns?: number;
  /**
   * The V8 flags bin/run.js set once the process had started: a lint thread sets them again
   * (takeShellThreadData in src/scripts/shell.ts), since starting one puts one back to its default.
   */
  v8Flags?: readonly string[];
}
