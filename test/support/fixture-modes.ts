/**
 * vitest global setup: file modes that git cannot record, set before any test reads the fixtures.
 * git keeps only the execute bit of files, so a fixture that needs a folder every user can write
 * (script-insecure) gets it here. Idempotent and never undone: several runs may share the tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Path (from the repository) -> mode. */
export const FIXTURE_MODES: ReadonlyArray<readonly [string, number]> = [
  ['fixtures/script-insecure/invalid/shared', 0o777],
];

export default function setup(): void {
  for (const [rel, mode] of FIXTURE_MODES) fs.chmodSync(path.join(REPO, rel), mode);
}
