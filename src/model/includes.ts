/**
 * Where include findings point: at the pattern of the include line (the part the operator edits),
 * not at the whole line. Example: `include conf.d/x.conf` (line at 0..21) -> the span of `conf.d/x.conf`.
 */
import type { Origin } from '../preprocess/types.js';

export function includePatternAt(source: string | undefined, line: Origin, pattern: unknown): Origin {
  if (source === undefined || typeof pattern !== 'string' || !pattern) return line;
  const at = source.slice(line.start, line.end).lastIndexOf(pattern);
  return at < 0 ? line : { file: line.file, start: line.start + at, end: line.start + at + pattern.length };
}
