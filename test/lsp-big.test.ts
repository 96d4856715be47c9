// `keepalived-lint lsp` stays responsive on a big config: the lint (tens of seconds for 10,000
// instances) runs on a worker thread, the requests are answered meanwhile, and a newer version of a
// buffer supersedes the stale lint, whose findings are never published.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempTree } from './helpers.js';
import { instances, startServer, stateLine, type Server } from './lsp-client.js';

const { dir, write } = tempTree('kl-lsp-big-');
let server: Server;

beforeAll(async () => {
  server = await startServer(dir);
}, 30_000);

afterAll(() => server?.stop());

describe('keepalived-lint lsp on a 10,000-instance config', () => {
  it('answers hover, completion, definition and symbols within 1 s while the lint runs', async () => {
    const text = instances(10_000);
    const file = write('big/keepalived.conf', text);
    const uri = await server.open(file, text);
    const doc = { textDocument: { uri } };
    const hover = await server.timed<{ contents: { value: string } }>('textDocument/hover', {
      ...doc,
      position: { line: stateLine(5000) + 3, character: 6 },
    });
    const completion = await server.timed<{ label: string }[]>('textDocument/completion', {
      ...doc,
      position: { line: stateLine(7000) + 1, character: 0 },
    });
    const definition = await server.timed<{ range: { start: { line: number } } }>('textDocument/definition', {
      ...doc,
      position: { line: stateLine(9999) + 6, character: 10 },
    });
    const symbols = await server.timed<{ name: string }[]>('textDocument/documentSymbol', doc);
    const folding = await server.timed<unknown[]>('textDocument/foldingRange', doc);
    // The lint of 10,000 instances takes far longer than these answers: nothing published yet.
    expect(server.published.filter((p) => p.uri === uri)).toEqual([]);
    expect(hover.result.contents.value).toContain('**priority**');
    expect(completion.result.map((i) => i.label)).toContain('virtual_router_id');
    expect(definition.result.range.start.line).toBe(3);
    expect(symbols.result).toHaveLength(10_002);
    expect(symbols.result[5002]!.name).toBe('vrrp_instance VI_5000');
    expect(folding.result).toHaveLength(30_002);
    for (const r of [hover, completion, definition, symbols, folding]) expect(r.ms).toBeLessThan(1000);
    // Closed: its lint stops (the thread is free for the next config).
    await server.client.sendNotification('textDocument/didClose', doc);
  }, 30_000);

  it('publishes only the findings of the last version after a storm of changes', async () => {
    const file = write('storm/keepalived.conf', instances(1000));
    const uri = await server.open(file, instances(1000));
    const since = server.published.length;
    const last = 7;
    for (let v = 2; v <= last; v++) {
      // Each change after the debounce: each starts a lint that the next one supersedes.
      await new Promise((r) => setTimeout(r, 200));
      await server.client.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: v },
        contentChanges: [{ text: instances(1000, `    priorty${v} 100\n`) }],
      });
    }
    const p = await server.diagnosticsFor(uri, () => true, since, 60_000);
    expect(p.version).toBe(last);
    expect(p.diagnostics.map((d) => d.message).join('\n')).toContain(`"priorty${last}"`);
    // Later ones, if any, are of the same version: no stale lint is ever shown.
    await new Promise((r) => setTimeout(r, 500));
    const mine = server.published.slice(since).filter((q) => q.uri === uri);
    expect(mine.map((q) => q.version)).toEqual(mine.map(() => last));
    expect(path.basename(file)).toBe('keepalived.conf');
  }, 90_000);
});
