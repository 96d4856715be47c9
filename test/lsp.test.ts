// `keepalived-lint lsp`: the built CLI (bin/) driven over stdio by a JSON-RPC client, as an editor
// drives it: initialize, didOpen, publishDiagnostics, hover, completion, definition, references,
// document symbols, didChange, code actions, shutdown and exit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableLineEdit } from '../src/lsp/suppress.js';
import { probeLines, REPO, runCli, tempTree, wasmProbe } from './helpers.js';
import { startServer, type Published, type Server } from './lsp-client.js';

const { dir, write } = tempTree('kl-lsp-');

const CONFIG = `global_defs {
    router_id lb1
    lvs_flush_onstop
}

vrrp_script chk_web {
    script "/usr/bin/true"
    interval 2
}

vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priorty 100
    advert_int 1
    track_script {
        chk_web
    }
    virtual_ipaddress {
        192.0.2.10/24
    }
}

vrrp_sync_group SG {
    group {
        VI_1
    }
}
`;

const MAIN = `$IFACE=eth0
include conf.d/*.conf
vrrp_instance VI_2 {
    state BACKUP
    interface $IFACE
    virtual_router_id 52
    priority 100
    virtual_ipaddress {
        192.0.2.20/24
    }
}
`;

const PART = `vrrp_instance VI_3 {
    interface $IFACE
    virtual_router_id 53
    priorty 90
}
`;

const NOTIFY_CONFIG = `global_defs {
    enable_script_security
    script_user root
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 41
    priority 100
    virtual_ipaddress {
        192.0.2.41/24
    }
    notify /etc/keepalived/notify.sh
}
`;

const NAMES_CONFIG = `track_file tf1 {
    file /tmp/tf1
}
bfd_instance bfd1 {
    neighbor_ip 192.0.2.9
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.10/24
    }
}
track_group tg1 {
    group {
        VI_1
    }
}
static_ipaddress {
    192.0.2.5/24 dev eth0 track_group tg1
}
virtual_server_group VSG {
    192.0.2.1 80
}
virtual_server group VSG {
    protocol TCP
    real_server 192.0.2.2 80 {
        FILE_CHECK {
            track_file tf1
        }
        BFD_CHECK {
            name bfd1
        }
    }
}
`;

/** The protocol position just after `marker` in `text`. */
function after(text: string, marker: string): { line: number; character: number } {
  const i = text.indexOf(marker);
  if (i < 0) throw new Error(`no ${marker}`);
  const lines = text.slice(0, i + marker.length).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

const NOTIFY_SCRIPT = '#!/bin/sh\ncase "$2" in\n  VI_9) echo nine ;;\n  VI_1) echo one ;;\nesac\n';

let server: Server;
let child: Server['child'];
let client: Server['client'];
let published: Published[];

/** The next diagnostics for `uri` that pass `test` (or the ones already received after `since`). */
const diagnosticsFor = (uri: string, test?: (p: Published) => boolean, since?: number) =>
  server.diagnosticsFor(uri, test, since);

const file = path.join(dir, 'keepalived.conf');
const uri = pathToFileURL(file).href;
const at = (line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });

beforeAll(async () => {
  write('keepalived.conf', CONFIG);
  server = await startServer(dir);
  ({ child, client, published } = server);
  expect(server.capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true });
  await server.open(file, CONFIG);
}, 30_000);

afterAll(() => server?.stop());

describe('keepalived-lint lsp', () => {
  it('publishes the findings with code, severity, range and the rule page', async () => {
    const p = await diagnosticsFor(uri);
    const unknown = p.diagnostics.find((d) => d.code === 'unknown-keyword');
    expect(unknown).toMatchObject({
      severity: 1,
      range: { start: { line: 14, character: 4 }, end: { line: 14, character: 11 } },
      codeDescription: { href: expect.stringMatching(/\/docs\/rules\/unknown-keyword\.md$/) },
    });
    expect(unknown!.message).toContain('"priorty"');
    const deprecated = p.diagnostics.find((d) => d.code === 'deprecated-keyword');
    expect(deprecated).toMatchObject({ severity: 2, range: { start: { line: 2, character: 4 } } });
    const security = p.diagnostics.find((d) => d.code === 'script-security-disabled');
    expect(security).toBeDefined();
  });

  it('hovers a keyword with its block, arguments, versions and the target verdict', async () => {
    const h = (await client.sendRequest('textDocument/hover', at(15, 6))) as { contents: { value: string } };
    expect(h.contents.value).toContain('**advert_int**');
    expect(h.contents.value).toContain('`vrrp_instance`');
    expect(h.contents.value).toMatch(/versions: 1\.2\.1 and later/);
    expect(h.contents.value).toContain('keepalived 2.2.7 (target): valid here');
    const unknown = (await client.sendRequest('textDocument/hover', at(14, 6))) as { contents: { value: string } };
    expect(unknown.contents.value).toContain('unknown in `vrrp_instance`');
  });

  it('hovers a name with where it is defined and used', async () => {
    const h = (await client.sendRequest('textDocument/hover', at(17, 10))) as { contents: { value: string } };
    expect(h.contents.value).toContain('**chk_web** (vrrp_script)');
    expect(h.contents.value).toContain('defined at keepalived.conf:6:13');
    expect(h.contents.value).toContain('used at keepalived.conf:18:9 (track_script)');
  });

  it('completes the keywords of the enclosing vrrp_instance, and script names in track_script', async () => {
    const items = (await client.sendRequest('textDocument/completion', at(15, 0))) as { label: string }[];
    const labels = items.map((i) => i.label);
    expect(labels).toContain('priority');
    expect(labels).toContain('virtual_router_id');
    expect(labels).not.toContain('router_id');
    expect(labels).not.toContain('vrrp_instance');
    const top = (await client.sendRequest('textDocument/completion', at(4, 0))) as { label: string }[];
    expect(top.map((i) => i.label)).toContain('vrrp_instance');
    const names = (await client.sendRequest('textDocument/completion', at(17, 8))) as { label: string }[];
    expect(names.map((i) => i.label)).toEqual(['chk_web']);
  });

  it('completes the names of every reference: virtual_server group, track_file, name, track_group', async () => {
    const names = write('six/keepalived.conf', NAMES_CONFIG);
    const namesUri = pathToFileURL(names).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: namesUri, languageId: 'keepalived', version: 1, text: NAMES_CONFIG },
    });
    const complete = async (marker: string) =>
      (
        (await client.sendRequest('textDocument/completion', {
          textDocument: { uri: namesUri },
          position: after(NAMES_CONFIG, marker),
        })) as { label: string }[]
      ).map((i) => i.label);
    expect(await complete('virtual_server group ')).toEqual(['VSG']);
    expect(await complete('            track_file ')).toEqual(['tf1']);
    expect(await complete('            name ')).toEqual(['bfd1']);
    expect(await complete('eth0 track_group ')).toEqual(['tg1']);
    expect(await complete('    group {\n        ')).not.toContain('VSG');
    await client.sendNotification('textDocument/didClose', { textDocument: { uri: namesUri } });
  });

  it('completes the values of a keyword after it', async () => {
    const items = (await client.sendRequest('textDocument/completion', at(11, 10))) as { label: string }[];
    expect(items.map((i) => i.label).sort()).toEqual(['BACKUP', 'MASTER']);
  });

  it('folds each block', async () => {
    const ranges = await client.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
    expect(ranges).toEqual(
      expect.arrayContaining([
        { startLine: 10, endLine: 22 },
        { startLine: 16, endLine: 18 },
        { startLine: 0, endLine: 3 },
      ]),
    );
  });

  it('goes from a track_script name to its vrrp_script, and from a sync-group member to its instance', async () => {
    expect(await client.sendRequest('textDocument/definition', at(17, 10))).toEqual({
      uri,
      range: { start: { line: 5, character: 12 }, end: { line: 5, character: 19 } },
    });
    expect(await client.sendRequest('textDocument/definition', at(26, 9))).toEqual({
      uri,
      range: { start: { line: 10, character: 14 }, end: { line: 10, character: 18 } },
    });
  });

  it('finds the references of a vrrp_script name', async () => {
    const refs = await client.sendRequest('textDocument/references', {
      ...at(5, 14),
      context: { includeDeclaration: true },
    });
    expect(refs).toEqual([
      { uri, range: { start: { line: 5, character: 12 }, end: { line: 5, character: 19 } } },
      { uri, range: { start: { line: 17, character: 8 }, end: { line: 17, character: 15 } } },
    ]);
  });

  it('lists the blocks as document symbols', async () => {
    const symbols = (await client.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as {
      name: string;
      range: { start: { line: number }; end: { line: number } };
    }[];
    expect(symbols.map((s) => s.name)).toEqual([
      'global_defs',
      'vrrp_script chk_web',
      'vrrp_instance VI_1',
      'vrrp_sync_group SG',
    ]);
    expect(symbols[2]!.range).toMatchObject({ start: { line: 10 }, end: { line: 22 } });
  });

  it('offers the fix and a disable comment as code actions', async () => {
    const p = await diagnosticsFor(uri);
    const deprecated = p.diagnostics.find((d) => d.code === 'deprecated-keyword')!;
    const actions = (await client.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: deprecated.range,
      context: { diagnostics: [deprecated] },
    })) as { title: string; isPreferred?: boolean; edit: { changes: Record<string, unknown[]> } }[];
    const fix = actions.find((a) => a.isPreferred);
    expect(fix?.edit.changes[uri]).toEqual([
      { range: { start: { line: 2, character: 4 }, end: { line: 2, character: 20 } }, newText: 'lvs_flush_on_stop' },
    ]);
    const disable = actions.find((a) => a.title === 'Disable deprecated-keyword for this line');
    expect(disable?.edit.changes[uri]).toEqual([
      {
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
        newText: '    # keepalived-lint disable-next-line deprecated-keyword\n',
      },
    ]);
  });

  it('clears a finding once didChange fixes the typo', async () => {
    const since = published.length;
    await client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 14, character: 4 }, end: { line: 14, character: 11 } }, text: 'priority' },
      ],
    });
    const p = await diagnosticsFor(uri, () => true, since);
    // The re-lint read the changed buffer: its findings carry that version.
    expect(p.version).toBe(2);
    expect(p.diagnostics.map((d) => d.code)).not.toContain('unknown-keyword');
    expect(p.diagnostics.map((d) => d.code)).toContain('deprecated-keyword');
  });

  it('reads included files through the open config, with $NAME definitions', async () => {
    const main = write('two/keepalived.conf', MAIN);
    const part = write('two/conf.d/a.conf', PART);
    const mainUri = pathToFileURL(main).href;
    const partUri = pathToFileURL(part).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: mainUri, languageId: 'keepalived', version: 1, text: MAIN },
    });
    const p = await diagnosticsFor(partUri);
    expect(p.diagnostics.find((d) => d.code === 'unknown-keyword')?.range).toEqual({
      start: { line: 3, character: 4 },
      end: { line: 3, character: 11 },
    });
    // Opened in turn, the included file is still read where it is included: $IFACE resolves.
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: partUri, languageId: 'keepalived', version: 1, text: PART },
    });
    const def = (await client.sendRequest('textDocument/definition', {
      textDocument: { uri: partUri },
      position: { line: 1, character: 16 },
    })) as { uri: string; range: { start: { line: number } } };
    expect(def).toMatchObject({ uri: mainUri, range: { start: { line: 0 } } });
    const refs = (await client.sendRequest('textDocument/references', {
      textDocument: { uri: partUri },
      position: { line: 1, character: 16 },
      context: { includeDeclaration: false },
    })) as { uri: string; range: { start: { line: number } } }[];
    expect(refs.map((r) => [r.uri, r.range.start.line])).toEqual([
      [partUri, 1],
      [mainUri, 4],
    ]);
    const h = (await client.sendRequest('textDocument/hover', {
      textDocument: { uri: partUri },
      position: { line: 2, character: 6 },
    })) as { contents: { value: string } };
    expect(h.contents.value).toContain('**virtual_router_id**');
  });

  it("gives a script the config runs its findings, and reads the script's open buffer", async () => {
    const conf = write('three/etc/keepalived/keepalived.conf', NOTIFY_CONFIG);
    const script = write('three/etc/keepalived/notify.sh', NOTIFY_SCRIPT);
    fs.chmodSync(script, 0o755);
    const scriptUri = pathToFileURL(script).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: pathToFileURL(conf).href, languageId: 'keepalived', version: 1, text: NOTIFY_CONFIG },
    });
    const p = await diagnosticsFor(scriptUri);
    const unknown = p.diagnostics.find((d) => d.code === 'script-unknown-name');
    expect(unknown?.range.start).toEqual({ line: 2, character: 2 });
    expect(unknown?.relatedInformation).toEqual([
      {
        location: {
          uri: pathToFileURL(conf).href,
          range: expect.objectContaining({ start: { line: 12, character: 4 } }),
        },
        message: expect.stringContaining('notify of vrrp_instance VI_1'),
      },
    ]);
    const onPath = { textDocument: { uri: pathToFileURL(conf).href }, position: { line: 12, character: 20 } };
    expect(await client.sendRequest('textDocument/definition', onPath)).toEqual({
      uri: scriptUri,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    });
    const h = (await client.sendRequest('textDocument/hover', onPath)) as { contents: { value: string } };
    expect(h.contents.value).toContain('**/etc/keepalived/notify.sh** (notify of vrrp_instance VI_1)');
    expect(h.contents.value).toContain('keepalived passes: `VI_1`');
    expect(h.contents.value).toContain('the script handles: `VI_9`, `VI_1`');
    const since = published.length;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: scriptUri, languageId: 'shellscript', version: 1, text: NOTIFY_SCRIPT },
    });
    await client.sendNotification('textDocument/didChange', {
      textDocument: { uri: scriptUri, version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, text: '' }],
    });
    const fixed = await diagnosticsFor(
      scriptUri,
      (q) => !q.diagnostics.some((d) => d.code === 'script-unknown-name'),
      since,
    );
    expect(fixed.diagnostics).toEqual([]);
  });

  it('reads a file opened alone through the keepalived.conf above it that includes it', async () => {
    write('five/keepalived.conf', MAIN);
    const part = write('five/conf.d/a.conf', PART);
    const partUri = pathToFileURL(part).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: partUri, languageId: 'keepalived', version: 1, text: PART },
    });
    const p = await diagnosticsFor(partUri);
    // Read alone, the file would know no $IFACE: its definition is in the config that includes it.
    expect(p.diagnostics.map((d) => d.code)).toContain('unknown-keyword');
    const def = (await client.sendRequest('textDocument/definition', {
      textDocument: { uri: partUri },
      position: { line: 1, character: 16 },
    })) as { uri: string } | null;
    expect(def?.uri).toBe(pathToFileURL(path.join(dir, 'five', 'keepalived.conf')).href);
  });

  it('reads a file opened alone through a config above it whose include names it by its router path', async () => {
    const main = write(
      'seven/etc/keepalived/keepalived.conf',
      'vrrp_script chk_seven {\n    script "/usr/bin/true"\n}\ninclude /etc/keepalived/conf.d/*/*/*.conf\n',
    );
    const text =
      'vrrp_instance VI_7 {\n    interface eth0\n    virtual_router_id 7\n    priorty 7\n' +
      '    track_script {\n        chk_seven\n    }\n    virtual_ipaddress {\n        192.0.2.7/24\n    }\n}\n';
    // Four folders below it: further than a look in the three folders above would go.
    const part = write('seven/etc/keepalived/conf.d/vrrp/instances/vi_7.conf', text);
    const partUri = pathToFileURL(part).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: partUri, languageId: 'keepalived', version: 1, text },
    });
    const p = await diagnosticsFor(partUri);
    // Its vrrp_script is defined in the config that includes it: no undefined-reference.
    expect(p.diagnostics.map((d) => d.code)).toEqual(['unknown-keyword']);
    const def = (await client.sendRequest('textDocument/definition', {
      textDocument: { uri: partUri },
      position: { line: 5, character: 12 },
    })) as { uri: string } | null;
    expect(def?.uri).toBe(pathToFileURL(main).href);
  });

  it('lints a file no config includes alone, without the findings only its including block would clear', async () => {
    const vips = 'virtual_ipaddress {\n    192.0.2.1/24\n}\nadvert_int 1\ntrack_script {\n    chk_web\n}\npriorty 5\n';
    const vipsUri = pathToFileURL(write('eight/conf.d/vips.conf', vips)).href;
    const vi8 =
      'vrrp_instance VI_8 {\n    interface eth0\n    virtual_router_id 8\n    priority 999\n' +
      '    track_script {\n        chk_nope\n    }\n    virtual_ipaddress {\n        192.0.2.8/24\n    }\n}\n';
    const vi8Uri = pathToFileURL(write('eight/conf.d/vi_8.conf', vi8)).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: vipsUri, languageId: 'keepalived', version: 1, text: vips },
    });
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: vi8Uri, languageId: 'keepalived', version: 1, text: vi8 },
    });
    // Alone, virtual_ipaddress, advert_int and track_script are unknown top-level keywords and their
    // "}" stray; in the instance that includes the file they are not. A keyword unknown everywhere stays.
    const p = await diagnosticsFor(vipsUri);
    expect(p.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([['unknown-keyword', 7]]);
    // The vrrp_script may be defined in the config that would include it; an out-of-range priority is wrong anywhere.
    const q = await diagnosticsFor(vi8Uri);
    expect(q.diagnostics.map((d) => d.code)).toEqual(['invalid-value']);
  });

  it('applies the .keepalived-lint.yaml above the file, and reports its problems at their place', async () => {
    const yaml = write('four/.keepalived-lint.yaml', 'rules:\n  unknown-keyword: warning\n');
    const conf = write('four/keepalived.conf', 'vrrp_instance VI_4 {\n    priorty 100\n}\n');
    const confUri = pathToFileURL(conf).href;
    const text = 'vrrp_instance VI_4 {\n    priorty 100\n}\n';
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: confUri, languageId: 'keepalived', version: 1, text },
    });
    const p = await diagnosticsFor(confUri);
    expect(p.diagnostics.find((d) => d.code === 'unknown-keyword')?.severity).toBe(2);
    // A misspelt key: the configuration file's problem, at its place; the config is linted with the defaults.
    const yamlUri = pathToFileURL(yaml).href;
    const since = published.length;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: yamlUri, languageId: 'yaml', version: 1, text: 'rulez:\n  unknown-keyword: warning\n' },
    });
    const problems = await diagnosticsFor(yamlUri, (q) => q.diagnostics.length > 0, since);
    expect(problems.diagnostics[0]).toMatchObject({ severity: 1, range: { start: { line: 0, character: 0 } } });
    expect(problems.diagnostics[0]!.message).toContain('rulez');
    // The YAML is no keepalived config: no rule's finding is published for it.
    expect(published.slice(since).filter((q) => q.uri === yamlUri && q.diagnostics.some((d) => d.code))).toEqual([]);
    const after = await diagnosticsFor(confUri, () => true, since);
    expect(after.diagnostics.find((d) => d.code === 'unknown-keyword')?.severity).toBe(1);
  });

  it('clears the findings of a config once no open buffer reads it', async () => {
    const confUri = pathToFileURL(path.join(dir, 'four', 'keepalived.conf')).href;
    const yamlUri = pathToFileURL(path.join(dir, 'four', '.keepalived-lint.yaml')).href;
    const since = published.length;
    await client.sendNotification('textDocument/didClose', { textDocument: { uri: yamlUri } });
    await client.sendNotification('textDocument/didClose', { textDocument: { uri: confUri } });
    const p = await diagnosticsFor(confUri, (q) => q.diagnostics.length === 0, since);
    expect(p.diagnostics).toEqual([]);
  });

  it('shuts down and exits 0', async () => {
    await client.sendRequest('shutdown');
    const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await client.sendNotification('exit');
    expect(await code).toBe(0);
  });
});

describe('editors/vscode', () => {
  const dirOf = path.join(REPO, 'editors', 'vscode');
  const manifest = JSON.parse(fs.readFileSync(path.join(dirOf, 'package.json'), 'utf8')) as {
    main: string;
    contributes: {
      languages: { id: string; filenames: string[]; filenamePatterns: string[] }[];
      grammars: { language: string; path: string }[];
    };
  };

  it('declares the keepalived language (keepalived.conf, *.conf under keepalived/) and starts lsp --stdio', () => {
    expect(manifest.contributes.languages[0]).toMatchObject({
      id: 'keepalived',
      filenames: ['keepalived.conf'],
      filenamePatterns: ['**/keepalived/**/*.conf'],
    });
    const extension = fs.readFileSync(path.join(dirOf, manifest.main), 'utf8');
    expect(extension).toContain("['lsp', '--stdio'");
    expect(extension).toContain("language: 'keepalived'");
  });

  it('highlights with a TextMate grammar whose patterns compile and find blocks, comments and $NAME', () => {
    const grammar = JSON.parse(fs.readFileSync(path.join(dirOf, manifest.contributes.grammars[0]!.path), 'utf8')) as {
      scopeName: string;
      repository: Record<string, { match?: string; begin?: string; end?: string }>;
    };
    expect(grammar.scopeName).toBe('source.keepalived');
    const re = (name: string) => new RegExp(grammar.repository[name]!.match!);
    for (const r of Object.values(grammar.repository))
      for (const p of [r.match, r.begin, r.end]) if (p) expect(() => new RegExp(p)).not.toThrow();
    expect(re('block').exec('vrrp_instance VI_1 {')?.slice(1, 3)).toEqual(['vrrp_instance', 'VI_1']);
    expect(re('comment').exec('    priority 100 # primary')?.[0]).toBe('# primary');
    expect(re('definition').exec('$PRIO=100')?.[1]).toBe('$PRIO');
  });
});

describe('keepalived-lint lsp on the command line', () => {
  it('is a usage error (exit 2, one line) with an unknown target or without a standard input', async () => {
    const bad = await runCli(['lsp', '--stdio', '--target', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^keepalived-lint: --target "nope" is neither a keepalived version/);
    const none = await runCli(['lsp']);
    expect(none).toEqual({
      code: 2,
      stdout: '',
      stderr: 'keepalived-lint: lsp: no standard input stream to read the editor from\n',
    });
  });
});

describe('the disable comment', () => {
  it('goes on a line of its own above the finding, indented as that line', () => {
    expect(disableLineEdit('a {\n\t  priorty 1\n}\n', 2, 'unknown-keyword', false)).toEqual({
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      newText: '\t  # keepalived-lint disable-next-line unknown-keyword\n',
    });
  });

  it("never goes above a script's #! line", () => {
    expect(disableLineEdit('#!/bin/sh\necho\n', 1, 'script-insecure', true)).toBeNull();
    expect(disableLineEdit('#!/bin/sh\necho\n', 2, 'script-insecure', true)?.range.start).toEqual({
      line: 1,
      character: 0,
    });
  });
});

describe('keepalived-lint lsp, its lint threads', () => {
  it("take the main thread's shell parser and set bin/run.js's late V8 flags again", async () => {
    const { dir: root, write: put } = tempTree('kl-lsp-threads-');
    put('etc/keepalived/notify.sh', '#!/bin/sh\ncase "$2" in\n  VI_OLD) exit 0 ;;\nesac\n', 0o755);
    const text =
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 100\n' +
      '    notify /etc/keepalived/notify.sh\n}\n';
    const conf = put('etc/keepalived/keepalived.conf', text);
    const s = await startServer(root, [], ['-r', wasmProbe()]);
    try {
      // The script is read (VI_1 is not a name it handles), so the thread parsed it.
      const found = await s.diagnosticsFor(await s.open(conf, text), (p) => p.diagnostics.length > 0);
      expect(found.diagnostics.map((d) => d.code)).toContain('script-unhandled-instance');
    } finally {
      s.stop();
    }
    const out = s.stderr();
    const threads = [...new Set(probeLines(out, 'wasm').map((l) => l.split(' ')[2]))].filter((t) => t !== '0');
    expect(threads.length).toBeGreaterThan(0);
    for (const t of threads) {
      const mine = (kind: 'wasm' | 'v8flag' | 'v8cache') =>
        probeLines(out, kind).filter((l) => l.split(' ')[kind === 'wasm' ? 2 : 1] === t);
      // The lint thread instantiated the modules it was handed: it compiled none and read no file for them.
      expect(mine('wasm')).toEqual([`wasm instantiate ${t}`, `wasm instantiate ${t}`]);
      expect(mine('v8cache')).toEqual([]);
      expect(mine('v8flag')).toContain(`v8flag ${t} --semi-space-growth-factor=1`);
    }
  }, 30_000);
});
