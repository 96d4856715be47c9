/**
 * An in-memory CliIO with every optional capability (standard input, a terminal on stderr), for
 * the tests of `-`, --with-keepalived and the progress line. Example:
 *   const t = fakeIO({ cwd, stdin: 'vrrp_instance A {\n}\n' }); await main(['-'], t.io); t.stdout
 */
import type { CliIO } from '../../src/cli/index.js';

export interface FakeIO {
  io: CliIO;
  readonly stdout: string;
  readonly stderr: string;
  /** Every stderr write, in order (the progress line is a sequence of writes). */
  readonly stderrWrites: string[];
  /** How many times standard input was read. */
  readonly stdinReads: number;
}

export function fakeIO(o: {
  cwd: string;
  env?: Record<string, string>;
  stdin?: string;
  stderrIsTTY?: boolean;
  columns?: number;
}): FakeIO {
  let stdout = '';
  const stderrWrites: string[] = [];
  let stdinReads = 0;
  const io: CliIO = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void stderrWrites.push(s),
    cwd: o.cwd,
    env: o.env ?? {},
    isTTY: false,
    ...(o.stdin !== undefined ? { stdin: async () => (stdinReads++, o.stdin!) } : {}),
    ...(o.stderrIsTTY !== undefined ? { stderrIsTTY: o.stderrIsTTY } : {}),
    ...(o.columns !== undefined ? { columns: o.columns } : {}),
  };
  return {
    io,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderrWrites.join('');
    },
    stderrWrites,
    get stdinReads() {
      return stdinReads;
    },
  };
}
