/**
 * A progress line on stderr while many files are linted, overwritten in place and cleared at the
 * end: `linting 37/200 hosts/lb7/keepalived.conf`. Only on a terminal: never when stderr is a
 * pipe or a file, in CI (CI set), or on a terminal that cannot erase a line (TERM=dumb).
 */
import { shownPath } from '../format/index.js';

/** More files than this show progress; fewer finish before anyone would read it. */
export const PROGRESS_MIN_FILES = 10;

export interface ProgressIO {
  stderr: (s: string) => void;
  stderrIsTTY?: boolean;
  /** Width of the terminal stderr is on. */
  columns?: number;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface Progress {
  /** Shows `LABEL N/TOTAL FILE` (N counts from 1). */
  step(label: string, n: number, total: number, file: string): void;
  /** Erases the line, if one is shown (before any other stderr output, and at the end). */
  clear(): void;
}

const ERASE_LINE = '\r\u001b[K';

export function progressLine(io: ProgressIO): Progress {
  const on = io.stderrIsTTY === true && !io.env.CI && io.env.TERM !== 'dumb';
  let shown = false;
  return {
    step(label, n, total, file) {
      if (!on || total <= PROGRESS_MIN_FILES) return;
      // One column short of the width: a line that fills it wraps on some terminals, and \r then
      // goes back to the wrong line.
      const width = Math.max(20, (io.columns && io.columns > 0 ? io.columns : 80) - 1);
      io.stderr(ERASE_LINE + fit(`${label} ${n}/${total} `, shownPath(file, io.cwd), width));
      shown = true;
    },
    clear() {
      if (shown) io.stderr(ERASE_LINE);
      shown = false;
    },
  };
}

/** The head, then as much of the path's end as fits (the file name matters more than the folders). */
function fit(head: string, file: string, width: number): string {
  if (head.length + file.length <= width) return head + file;
  const room = width - head.length - 1;
  return room > 0 ? `${head}…${file.slice(file.length - room)}` : head.slice(0, width);
}
