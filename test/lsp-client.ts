// A JSON-RPC client driving the built `keepalived-lint lsp --stdio` as an editor does, for the
// language server's tests: the server's process, the diagnostics it published, and a wait for the
// next ones that pass a test.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node.js';
import { REPO } from './helpers.js';

export interface Published {
  uri: string;
  version?: number;
  diagnostics: {
    code: string;
    message: string;
    severity: number;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    codeDescription?: { href: string };
    relatedInformation?: unknown[];
  }[];
}

export interface Server {
  child: ChildProcessWithoutNullStreams;
  client: MessageConnection;
  /** What the server said it can do (the answer to initialize). */
  capabilities: Record<string, unknown>;
  published: Published[];
  stderr: () => string;
  /** The next diagnostics for `uri` that pass `test` (or one already received after index `since`). */
  diagnosticsFor(uri: string, test?: (p: Published) => boolean, since?: number, timeout?: number): Promise<Published>;
  open(file: string, text: string, version?: number): Promise<string>;
  /** A request's answer and how long it took (ms). */
  timed<T>(method: string, params: unknown): Promise<{ result: T; ms: number }>;
  stop(): void;
}

/** nodeArgs: Node.js's own options, before the script (e.g. `-r probe.cjs`). */
export async function startServer(cwd: string, args: string[] = [], nodeArgs: string[] = []): Promise<Server> {
  const bin = path.join(REPO, 'bin', 'keepalived-lint.js');
  const child = spawn(process.execPath, [...nodeArgs, bin, 'lsp', '--stdio', ...args], { cwd });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published: Published[] = [];
  const waiters: { test: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  client.onNotification('textDocument/publishDiagnostics', (p: Published) => {
    published.push(p);
    for (const w of waiters.splice(0)) {
      if (w.test(p)) w.resolve(p);
      else waiters.push(w);
    }
  });
  client.listen();
  const init = await client.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(cwd).href,
    workspaceFolders: [{ uri: pathToFileURL(cwd).href, name: 'test' }],
    capabilities: {},
  });
  await client.sendNotification('initialized', {});
  return {
    child,
    client,
    capabilities: init.capabilities,
    published,
    stderr: () => stderr,
    diagnosticsFor(uri, test = () => true, since = 0, timeout = 15_000) {
      const ok = (p: Published) => p.uri === uri && test(p);
      const seen = published.slice(since).find(ok);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}; stderr: ${stderr}`)), timeout);
        waiters.push({
          test: ok,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
      });
    },
    async open(file, text, version = 1) {
      const uri = pathToFileURL(file).href;
      await client.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'keepalived', version, text },
      });
      return uri;
    },
    async timed<T>(method: string, params: unknown) {
      const t = performance.now();
      const result = (await client.sendRequest(method, params)) as T;
      return { result, ms: performance.now() - t };
    },
    stop() {
      client.dispose();
      child.kill();
    },
  };
}

/** A config of `n` instances tracking one vrrp_script (each instance 13 lines, from line 7). */
export function instances(n: number, typo = ''): string {
  let s = 'global_defs {\n    router_id lb1\n}\nvrrp_script chk_web {\n    script "/usr/bin/true"\n    interval 2\n}\n';
  for (let i = 0; i < n; i++) {
    s +=
      `vrrp_instance VI_${i} {\n    state BACKUP\n    interface eth0\n    virtual_router_id ${(i % 255) + 1}\n` +
      `    priority 100\n    advert_int 1\n    track_script {\n        chk_web\n    }\n    virtual_ipaddress {\n` +
      `        10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32\n    }\n${i === 0 ? typo : ''}}\n`;
  }
  return s;
}

/** The 0-based line of the `state` keyword of instance `i` of instances(). */
export const stateLine = (i: number) => 7 + 13 * i + 1;
