/**
 * The language server's two coordinate systems: the loader's (absolute paths, offsets, 1-based
 * line:column counted in UTF-16 units) and the protocol's (file URIs, 0-based line and character,
 * UTF-16 too). Example: { line: 3, column: 5 } -> { line: 2, character: 4 }.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Position as LspPosition, Range } from 'vscode-languageserver';
import type { Origin, SourceFile } from '../load/index.js';

export function toLsp(p: { line: number; column: number }): LspPosition {
  return { line: Math.max(0, p.line - 1), character: Math.max(0, p.column - 1) };
}

/** A file URI's path, null for another scheme (an untitled buffer, a remote file). */
export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return null;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

/** The range of [start, end) in a file the loader read. */
export function originRange(files: ReadonlyMap<string, SourceFile>, o: Origin): Range | null {
  const f = files.get(o.file);
  if (!f) return null;
  return { start: toLsp(f.index.position(o.start)), end: toLsp(f.index.position(o.end)) };
}

/** The offset of a protocol position in a file's text (clamped to the line). */
export function offsetOf(file: SourceFile, p: LspPosition): number {
  const start = file.index.lineStart(p.line + 1);
  const lineLength = file.index.lineText(p.line + 1).length;
  return p.line + 1 > file.index.lineCount ? file.text.length : start + Math.min(p.character, lineLength);
}

/** The offset of a protocol position in a buffer's text (clamped to the line), without an index. */
export function offsetInText(text: string, p: LspPosition): number {
  let start = 0;
  for (let line = 0; line < p.line; line++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return text.length;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  return Math.min(start + p.character, nl === -1 ? text.length : nl);
}
