// sarif, github, checkstyle and junit through main(argv, io), on one real report: findings with
// related locations and config-ids, a file name that needs escaping, a control character in a
// value, a clean file and a file that cannot be read. Each format is read back and compared with
// the json output, which the other CLI tests pin down.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, type JsonDiagnostic } from './helpers.js';
import { childrenNamed, parseXml, type XmlElement } from './support/xml.js';
import { allRules } from '../rules/index.js';
import { VERSION } from '../src/cli/index.js';
import { ruleDocsUrl } from '../src/format/common.js';
import { packageLinks } from '../src/cli/package-info.js';
import { FINGERPRINT_KEY, markdownText } from '../src/format/sarif.js';
import { formatters, wrapDetail } from '../src/format/index.js';
import { escapeData, escapeProperty, githubAnnotations } from '../src/format/github.js';
import { escapeControl } from '../src/format/escape.js';
import type { Diagnostic, LintReport } from '../src/engine/types.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-formats-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ODD = 'odd, name:%.conf';
const FINDINGS = [
  '$PRIO=300',
  'vrrp_instance VI_1 {',
  '    state BACKUP',
  '    interface eth0',
  '    virtual_router_id 51',
  '    priority $PRIO',
  '@lb1    priorty 100',
  '    virtual_ipaddress {',
  '        192.0.2.10/24',
  '    }',
  '    nopreempt 1',
  '}',
  'vrrp_instance VI_2 {',
  '    state mas\u0001ter<&>"x',
  '    interface eth0',
  '    virtual_router_id 52',
  '    priority 100',
  '    virtual_ipaddress {',
  '        192.0.2.11/24',
  '    }',
  '}',
  '',
].join('\n');
const CLEAN =
  'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    ' +
  'virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n     ' +
  '   192.0.2.10/24\n    }\n}\n';
const FILES = [ODD, 'clean.conf', 'fifo.conf'];
/** A rule's page as the CLI links it by default (docs/rules of the repository package.json names). */
const RULE_PAGES = packageLinks().ruleUrlBase;
const pageOf = (ruleId: string) => ruleDocsUrl(ruleId, RULE_PAGES);

interface JsonFile {
  file: string;
  diagnostics: (JsonDiagnostic & { related?: { file: string; line: number; column: number; message: string }[] })[];
}
let json: JsonFile[];
let findings: (JsonFile['diagnostics'][number] & { file: string })[];

beforeAll(async () => {
  fs.writeFileSync(path.join(tmp, ODD), FINDINGS);
  fs.writeFileSync(path.join(tmp, 'clean.conf'), CLEAN);
  execFileSync('mkfifo', [path.join(tmp, 'fifo.conf')]);
  const r = await runCli(['lint', ...FILES, '--format', 'json'], { cwd: tmp });
  expect(r.code).toBe(2); // the FIFO
  json = (JSON.parse(r.stdout) as { results: JsonFile[] }).results;
  findings = json.flatMap((f) => f.diagnostics.map((d) => ({ ...d, file: f.file })));
  // What the fixture must hold for the assertions below to mean anything.
  expect(json.map((f) => f.file).sort()).toEqual(['clean.conf', ODD]);
  expect(findings.some((d) => d.related?.length)).toBe(true);
  expect(findings.some((d) => d.configIds)).toBe(true);
  expect(new Set(findings.map((d) => d.severity))).toEqual(new Set(['error', 'warning']));
  expect(findings.some((d) => d.message.includes('\u0001'))).toBe(true);
});

async function lint(
  format: string,
  extra: string[] = [],
  cwd = tmp,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['lint', ...FILES, '--format', format, ...extra], { cwd });
}

// ---------------------------------------------------------------------------------------------
// SARIF

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
}
interface SarifLocation {
  id?: number;
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: SarifRegion };
  message?: { text: string };
}
interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri: string;
        rules: {
          id: string;
          shortDescription?: { text: string };
          fullDescription?: { text: string };
          help?: { text: string; markdown: string };
          helpUri?: string;
          defaultConfiguration?: { level: string };
        }[];
      };
    };
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications?: { level: string; message: { text: string }; locations: SarifLocation[] }[];
    }[];
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string; markdown?: string };
      locations: SarifLocation[];
      relatedLocations?: SarifLocation[];
      partialFingerprints: Record<string, string>;
      properties?: { configIds?: string[]; messageId?: string; data?: Record<string, string | number> };
    }[];
  }[];
}

function sarifValidator() {
  // The official SARIF 2.1.0 schema (rtm.5, the OASIS standard's), as the SARIF SDK ships it.
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // A draft-04 schema that is not strict-clean (a required property defined in a sibling
  // branch), and whose one `language` pattern is not valid under the `u` flag.
  // Both are CommonJS: the class and the plugin are their `default` export.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats.default(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as object);
}
const validateSarif = sarifValidator();

function expectValidSarif(log: unknown): void {
  const ok = validateSarif(log);
  expect(ok ? [] : validateSarif.errors).toEqual([]);
}

const LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };

describe('--format sarif', () => {
  let log: SarifLog;
  beforeAll(async () => {
    const r = await lint('sarif');
    expect(r.code).toBe(2);
    log = JSON.parse(r.stdout) as SarifLog;
  });

  it('validates against the SARIF 2.1.0 schema, which rejects a broken log', () => {
    expectValidSarif(log);
    const broken = structuredClone(log);
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validateSarif(broken)).toBe(false);
    const noRegionLine = structuredClone(log);
    noRegionLine.runs[0]!.results[0]!.locations[0]!.physicalLocation.region!.startLine = 0;
    expect(validateSarif(noRegionLine)).toBe(false);
  });

  it('describes the tool and every rule, with its docs page and default level', () => {
    const driver = log.runs[0]!.tool.driver;
    expect(driver.name).toBe('keepalived-lint');
    expect(driver.version).toBe(VERSION);
    expect(driver.informationUri).toMatch(/^https:\/\//);
    expect(driver.rules.map((r) => r.id)).toEqual(allRules.map((r) => r.meta.id));
    for (const [i, r] of driver.rules.entries()) {
      const meta = allRules[i]!.meta;
      expect(r.helpUri).toBe(`${RULE_PAGES}/${meta.id}.md`);
      // The URL's path is the repository's docs/rules/<id>.md.
      expect(RULE_PAGES).toMatch(/\/blob\/main\/docs\/rules$/);
      expect(fs.existsSync(path.join(REPO, 'docs/rules', r.helpUri!.slice(RULE_PAGES.length + 1)))).toBe(true);
      expect(r.fullDescription?.text).toBe(meta.description);
      expect(r.help?.text.startsWith(meta.description)).toBe(true);
      expect(r.help?.markdown).toContain(`(${RULE_PAGES}/${meta.id}.md)`);
      expect(r.shortDescription!.text.length).toBeGreaterThan(10);
      expect(meta.description.startsWith(r.shortDescription!.text)).toBe(true);
      expect(r.defaultConfiguration?.level).toBe(LEVEL[meta.severity]);
    }
  });

  it('has one result per finding, at the json positions, with ruleIndex pointing at its rule', () => {
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(findings.length);
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(new URL(`file://${tmp}/`).href);
    for (const [i, res] of run.results.entries()) {
      const d = findings[i]!;
      expect(res.ruleId).toBe(d.ruleId);
      expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(d.ruleId);
      expect(res.level).toBe(LEVEL[d.severity]);
      expect(res.message.text.startsWith(d.message)).toBe(true);
      const loc = res.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(decodeURIComponent(loc.artifactLocation.uri)).toBe(d.file);
      expect(loc.region).toEqual({
        startLine: d.line,
        startColumn: d.column,
        endLine: d.endLine,
        endColumn: d.endColumn,
      });
      // The finding as data on every result; the detail in the markdown form only.
      expect(res.properties).toMatchObject({ messageId: d.messageId, data: d.data });
      expect(res.message.text).not.toContain('\n');
      if (d.detail)
        expect(res.message.markdown).toBe(
          `${markdownText(res.message.text)}\n\n${d.detail.split('\n').map(markdownText).join('\n')}`,
        );
      else expect(res.message.markdown).toBeUndefined();
    }
    expect(findings.some((d) => d.detail)).toBe(true);
    // The file name's space, comma, colon and % are percent-encoded in the URI.
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('odd%2C%20name%3A%25.conf');
  });

  it('turns related lines into relatedLocations and config-ids into a property and the message', () => {
    const results = log.runs[0]!.results;
    const expanded = results.find((r) => r.relatedLocations)!;
    expect(expanded.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: 'odd%2C%20name%3A%25.conf', uriBaseId: '%SRCROOT%' },
          region: { startLine: 1, startColumn: 1 },
        },
        message: { text: 'expanded from $PRIO, defined here' },
      },
    ]);
    const perId = results.find((r) => r.properties?.configIds)!;
    expect(perId.ruleId).toBe('unknown-keyword');
    expect(perId.properties!.configIds).toEqual(['lb1']);
    expect(perId.message.text).toMatch(/\[config-id: lb1\]$/);
  });

  it('reports the file it could not read as a failed invocation, not as a result', () => {
    const inv = log.runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'Cannot lint this file: is not a regular file' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'fifo.conf', uriBaseId: '%SRCROOT%' } } }],
      },
    ]);
  });

  it('gives each finding a fingerprint that survives lines inserted above it', async () => {
    const moved = path.join(tmp, 'moved');
    fs.mkdirSync(moved);
    fs.writeFileSync(path.join(moved, 'keepalived.conf'), FINDINGS);
    const before = JSON.parse(
      (await runCli(['lint', 'keepalived.conf', '-f', 'sarif'], { cwd: moved })).stdout,
    ) as SarifLog;
    fs.writeFileSync(path.join(moved, 'keepalived.conf'), '# a comment\n\n' + FINDINGS);
    const after = JSON.parse(
      (await runCli(['lint', 'keepalived.conf', '-f', 'sarif'], { cwd: moved })).stdout,
    ) as SarifLog;
    const prints = (l: SarifLog) => l.runs[0]!.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(new Set(prints(before)).size).toBe(before.runs[0]!.results.length);
    expect(prints(after)).toEqual(prints(before));
    expect(after.runs[0]!.results[0]!.locations[0]!.physicalLocation.region!.startLine).toBe(
      before.runs[0]!.results[0]!.locations[0]!.physicalLocation.region!.startLine + 2,
    );
    // ... and changes when the finding does.
    fs.writeFileSync(path.join(moved, 'keepalived.conf'), FINDINGS.replace('priorty 100', 'priorti 100'));
    const edited = JSON.parse(
      (await runCli(['lint', 'keepalived.conf', '-f', 'sarif'], { cwd: moved })).stdout,
    ) as SarifLog;
    expect(prints(edited).filter((p) => !prints(before).includes(p))).toHaveLength(1);
  });

  it('uses an absolute file URI for a file outside the working directory, and stays valid', async () => {
    const sub = path.join(tmp, 'sub');
    fs.mkdirSync(sub, { recursive: true });
    const r = await runCli(['lint', path.join(tmp, ODD), '--format', 'sarif'], { cwd: sub });
    const outside = JSON.parse(r.stdout) as SarifLog;
    expectValidSarif(outside);
    const loc = outside.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation;
    expect(loc.uriBaseId).toBeUndefined();
    expect(fileURLToPath(loc.uri)).toBe(path.join(tmp, ODD));
  });

  it('is valid and empty for a clean file, and maps info to note', async () => {
    const clean = JSON.parse((await runCli(['lint', 'clean.conf', '-f', 'sarif'], { cwd: tmp })).stdout) as SarifLog;
    expectValidSarif(clean);
    expect(clean.runs[0]!.results).toEqual([]);
    expect(clean.runs[0]!.invocations[0]!.executionSuccessful).toBe(true);
    const info = JSON.parse(
      (await runCli(['lint', ODD, '-f', 'sarif', '--rule', 'unknown-keyword=info'], { cwd: tmp })).stdout,
    ) as SarifLog;
    expectValidSarif(info);
    expect(info.runs[0]!.results.find((r) => r.ruleId === 'unknown-keyword')!.level).toBe('note');
  });
});

// ---------------------------------------------------------------------------------------------
// github

interface Annotation {
  command: string;
  props: Record<string, string>;
  message: string;
}

const unescapeData = (s: string) =>
  s.replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');

/** Reads a workflow command back the way the runner does: split on the unescaped separators. */
function parseAnnotation(line: string): Annotation {
  const m = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const part of m[2]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`property without "=": ${part}`);
    props[part.slice(0, eq)] = unescapeData(part.slice(eq + 1));
  }
  return { command: m[1]!, props, message: unescapeData(m[3]!) };
}

describe('--format github', () => {
  it('escapes data and properties as the actions toolkit does', () => {
    expect(escapeData('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab: c, d');
    expect(escapeProperty('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab%3A c%2C d');
  });

  it('prints one annotation per finding that reads back to the json finding', async () => {
    const r = await lint('github');
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(findings.length + 1); // + the FIFO
    const annotations = lines.map(parseAnnotation);
    for (const [i, d] of findings.entries()) {
      const a = annotations[i]!;
      expect(a.command).toBe(d.severity);
      expect(a.props).toEqual({
        file: d.file,
        line: String(d.line),
        endLine: String(d.endLine),
        col: String(d.column),
        endColumn: String(d.endColumn - 1), // GitHub's end column is inclusive
        title: d.ruleId,
      });
      // Control characters from the config arrive escaped (src/format/escape.ts).
      expect(a.message.split('\n')[0]!.startsWith(escapeControl(d.message))).toBe(true);
    }
    const expanded = annotations.find((a) => a.message.includes('expanded from'))!;
    const withRelated = findings.find((d) => d.related)!;
    // message, related lines, a blank line, the detail, a blank line, the rule's page.
    expect(withRelated.detail).toBeDefined();
    expect(expanded.message).toBe(
      `${withRelated.message}\n  ${ODD}:1:1: expanded from ` +
        `$PRIO, defined here\n\n${escapeControl(withRelated.detail!)}\n\n` +
        `More information: ${pageOf(withRelated.ruleId)}`,
    );
    for (const [i, d] of findings.entries())
      expect(annotations[i]!.message.endsWith(`\n\nMore information: ${pageOf(d.ruleId)}`)).toBe(true);
    expect(annotations.find((a) => a.props.title === 'unknown-keyword')!.message.split('\n')[0]).toMatch(
      /\[config-id: lb1\]$/,
    );
    expect(annotations.at(-1)).toEqual({
      command: 'error',
      props: { file: 'fifo.conf', title: 'keepalived-lint' },
      message: 'Cannot lint this file: is not a regular file',
    });
  });

  it('leaves the detail out with --no-detail', async () => {
    const r = await lint('github', ['--no-detail']);
    const annotations = r.stdout.trimEnd().split('\n').map(parseAnnotation);
    const withRelated = findings.find((d) => d.related)!;
    expect(annotations.find((a) => a.message.includes('expanded from'))!.message).toBe(
      `${withRelated.message}\n  ${ODD}:1:1: expanded from $PRIO, defined here\n\n` +
        `More information: ${pageOf(withRelated.ruleId)}`,
    );
    // No detail: the rule's page is the only paragraph after the message.
    for (const a of annotations) expect(a.message.split('\n\n').length).toBeLessThanOrEqual(2);
  });

  it(
    'keeps a detail that tries to start a workflow command inside its one ' +
      'line, and escapes its control characters',
    () => {
      const file = path.join(tmp, 'k.conf');
      const d: Diagnostic = {
        ruleId: 'r',
        severity: 'warning',
        message: 'm',
        detail: 'why\n::error file=README.md::pwned\r\n\u001b[2J 100%',
        file,
        range: { start: 0, end: 0 },
        start: { line: 1, column: 1 },
        end: { line: 1, column: 2 },
      };
      const out = githubAnnotations({ results: [{ file, diagnostics: [d] }], errors: [], sources: new Map() }, tmp);
      expect(out.split('\n').filter(Boolean)).toHaveLength(1);
      expect(parseAnnotation(out.trimEnd()).message).toBe('m\n\nwhy\n::error file=README.md::pwned\n\\x1b[2J 100%');
    },
  );

  it('writes info findings as notices', async () => {
    const r = await runCli(['lint', ODD, '-f', 'github', '--rule', 'unknown-keyword=info'], { cwd: tmp });
    expect(r.stdout).toMatch(
      /^::notice file=odd%2C name%3A%25\.conf,line=7,endLine=7,col=9,endColumn=15,title=unknown-keyword::/m,
    );
  });

  it('leaves out the columns of a range over several lines, and ends an empty range at its start', () => {
    // No rule reports a range over several lines today; the formatter must still follow GitHub's
    // rule that columns go with a single line, and its inclusive end for an empty range.
    const at = (line: number, column: number) => ({ line, column });
    const d = (start: [number, number], end: [number, number]): Diagnostic => ({
      ruleId: 'r',
      severity: 'error',
      message: 'm',
      file: path.join(tmp, 'k.conf'),
      range: { start: 0, end: 0 },
      start: at(...start),
      end: at(...end),
    });
    const report: LintReport = {
      results: [{ file: path.join(tmp, 'k.conf'), diagnostics: [d([3, 5], [5, 2]), d([7, 4], [7, 4])] }],
      errors: [],
      sources: new Map(),
    };
    const [multi, empty] = githubAnnotations(report, tmp).trimEnd().split('\n').map(parseAnnotation);
    expect(multi!.props).toEqual({ file: 'k.conf', line: '3', endLine: '5', title: 'r' });
    expect(empty!.props).toEqual({ file: 'k.conf', line: '7', endLine: '7', col: '4', endColumn: '4', title: 'r' });
  });

  it('prints nothing for a clean file', async () => {
    expect(await runCli(['lint', 'clean.conf', '-f', 'github'], { cwd: tmp })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// checkstyle and junit

describe('the XML checker the format tests rely on', () => {
  it('rejects what is not well-formed XML', () => {
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/disallowed character/);
    expect(() => parseXml('<a m="x & y"/>')).toThrow();
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(parseXml('<a m="x &amp; y&#10;z"/>').attributes.m).toBe('x & y\nz');
  });
});

describe('--format checkstyle', () => {
  let root: XmlElement;
  beforeAll(async () => {
    const r = await lint('checkstyle');
    expect(r.code).toBe(2);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    root = parseXml(r.stdout);
  });

  it('lists every file, the clean one and the unreadable one too', () => {
    expect(root.name).toBe('checkstyle');
    expect(childrenNamed(root, 'file').map((f) => f.attributes.name)).toEqual(['clean.conf', 'fifo.conf', ODD]);
    const [clean, fifo] = childrenNamed(root, 'file');
    expect(clean!.children).toEqual([]);
    expect(fifo!.children.map((e) => e.attributes)).toEqual([
      {
        line: '1',
        column: '1',
        severity: 'error',
        message: 'Cannot lint this file: is not a regular file',
        source: 'keepalived-lint',
      },
    ]);
  });

  it('has one <error> per finding, with the json position, severity and rule', () => {
    const errors = childrenNamed(childrenNamed(root, 'file')[2]!, 'error');
    expect(errors).toHaveLength(findings.length);
    for (const [i, d] of findings.entries()) {
      const a = errors[i]!.attributes;
      expect({ line: a.line, column: a.column, severity: a.severity, source: a.source }).toEqual({
        line: String(d.line),
        column: String(d.column),
        severity: d.severity,
        source: `keepalived-lint.${d.ruleId}`,
      });
      expect(a.message!.startsWith(d.message.replace('\u0001', '\\x01'))).toBe(true);
    }
    const messages = errors.map((e) => e.attributes.message!);
    const withRelated = findings.find((d) => d.related)!;
    expect(messages).toContain(
      `${withRelated.message} (see ${ODD}:1:1: expanded from $PRIO, defined here) ` +
        `(more information: ${pageOf(withRelated.ruleId)})`,
    );
    expect(messages.some((m) => m.includes('"mas\\x01ter<&>"'))).toBe(true);
    expect(messages.some((m) => m.endsWith(`[config-id: lb1] (more information: ${pageOf('unknown-keyword')})`))).toBe(
      true,
    );
    // Each message ends with its rule's page (checkstyle has no attribute for a link).
    for (const [i, d] of findings.entries())
      expect(messages[i]!.endsWith(` (more information: ${pageOf(d.ruleId)})`)).toBe(true);
    // The message only: no detail in the attribute.
    for (const m of messages) expect(m).not.toContain('\n');
  });
});

describe('--format junit', () => {
  let root: XmlElement;
  beforeAll(async () => {
    const r = await lint('junit');
    expect(r.code).toBe(2);
    root = parseXml(r.stdout);
  });

  it('has one testsuite per file with totals that add up', () => {
    expect(root.name).toBe('testsuites');
    const suites = childrenNamed(root, 'testsuite');
    expect(suites.map((s) => s.attributes.name)).toEqual(['clean.conf', 'fifo.conf', ODD]);
    const sum = (k: string) => suites.reduce((n, s) => n + Number(s.attributes[k]), 0);
    for (const k of ['tests', 'failures', 'errors']) expect(Number(root.attributes[k])).toBe(sum(k));
    for (const s of suites) expect(Number(s.attributes.tests)).toBe(childrenNamed(s, 'testcase').length);
    expect(sum('failures')).toBe(findings.length);
    expect(sum('errors')).toBe(1);
  });

  it('passes the clean file, errors the unreadable one, and fails one testcase per finding', () => {
    const [clean, fifo, odd] = childrenNamed(root, 'testsuite');
    expect(clean!.children.map((c) => [c.name, c.children.length])).toEqual([['testcase', 0]]);
    const fifoCase = childrenNamed(fifo!, 'testcase')[0]!;
    expect(childrenNamed(fifoCase, 'error')[0]!.attributes.message).toBe(
      'Cannot lint this file: is not a regular file',
    );
    const cases = childrenNamed(odd!, 'testcase');
    for (const [i, d] of findings.entries()) {
      expect(cases[i]!.attributes).toEqual({ classname: ODD, name: `${d.ruleId} at ${d.line}:${d.column}` });
      const failure = childrenNamed(cases[i]!, 'failure')[0]!;
      expect(failure.attributes.type).toBe(d.severity);
      expect(failure.text.startsWith(`${ODD}:${d.line}:${d.column}: ${d.severity}: `)).toBe(true);
    }
    expect(cases.map((c) => childrenNamed(c, 'failure')[0]!.text).join('\n')).toContain(
      `\n  ${ODD}:1:1: expanded from $PRIO, defined here`,
    );
    // The detail, then the rule's page close the failure's body, each after a blank line; the
    // message attribute is one line.
    for (const [i, d] of findings.entries()) {
      const failure = childrenNamed(cases[i]!, 'failure')[0]!;
      expect(failure.attributes.message).not.toContain('\n');
      const page = `\n\nMore information: ${pageOf(d.ruleId)}`;
      if (d.detail) expect(failure.text.endsWith(`\n\n${escapeControl(d.detail)}${page}`)).toBe(true);
      else expect(failure.text.split('\n\n')).toHaveLength(2);
      expect(failure.text.endsWith(page)).toBe(true);
    }
  });

  it('leaves the detail out of the failure body with --no-detail', async () => {
    const r = await lint('junit', ['--no-detail']);
    for (const c of childrenNamed(childrenNamed(parseXml(r.stdout), 'testsuite')[2]!, 'testcase')) {
      const text = childrenNamed(c, 'failure')[0]!.text;
      // The rule's page only after the message: no detail.
      expect(text.split('\n\n')).toHaveLength(2);
      expect(text.split('\n\n')[1]).toMatch(/^More information: https:\/\/\S+\.md$/);
    }
  });

  it('is a single passing testcase for a clean run', async () => {
    const r = await runCli(['lint', 'clean.conf', '-f', 'junit'], { cwd: tmp });
    expect(r.code).toBe(0);
    const doc = parseXml(r.stdout);
    expect(doc.attributes).toEqual({ name: 'keepalived-lint', tests: '1', failures: '0', errors: '0' });
  });
});

// ---------------------------------------------------------------------------------------------
// stylish: the detail

describe('--format stylish: the detail', () => {
  const file = path.join(tmp, 'd.conf');
  const source = 'vrrp_instance VI_1 {\n    priority 300\n}\n';
  const long =
    'keepalived reports "number \'300\' outside range" and treats priority ' +
    'as not set, so the instance runs with the default priority of 100 and ' +
    'may lose an election it was meant to win.';
  const finding: Diagnostic = {
    ruleId: 'invalid-value',
    severity: 'error',
    message: '300 is out of range for priority (1..255)',
    detail: `${long}\nFix: a value from 1 to 255 \u001b[2J\u202e.\n\nSecond paragraph.`,
    file,
    range: { start: 0, end: 0 },
    start: { line: 2, column: 14 },
    end: { line: 2, column: 17 },
  };
  const report: LintReport = {
    results: [{ file, diagnostics: [finding] }],
    errors: [],
    sources: new Map([[file, source]]),
  };

  it('prints it under the caret lines, lined up with the source line, wrapped to 100 columns and escaped', () => {
    const lines = formatters.stylish!(report, { cwd: tmp, color: false }).split('\n');
    const caret = lines.findIndex((l) => /^ +\^+$/.test(l));
    expect(lines[caret - 1]).toBe('        priority 300');
    const detail = lines.slice(caret + 1, -3); // then a blank line, the summary, the last newline
    expect(detail).toEqual(wrapDetail(finding.detail!, '    ', 100));
    expect(detail.join('\n')).toContain('\\x1b[2J\\u202e');
    for (const l of detail.filter(Boolean)) {
      expect(l.startsWith('    ') && !l.startsWith('     ')).toBe(true);
      expect(l.length).toBeLessThanOrEqual(100);
    }
    // The first paragraph wraps; the second line and the paragraph after the blank line keep their breaks.
    expect(detail.length).toBeGreaterThanOrEqual(4);
    expect(detail.join(' ').replace(/ +/g, ' ')).toContain(long);
    expect(detail).toContain('    Second paragraph.');
    expect(detail.at(-2)).toBe('');
  });

  it('is dim with color, narrower with columns, and left out with detail: false', () => {
    const colored = formatters.stylish!(report, { cwd: tmp, color: true });
    expect(colored).toContain('\u001b[2m    Second paragraph.\u001b[0m');
    // Nothing from the detail reaches the terminal raw: the only ESC bytes are the SGR codes.
    expect(colored.replace(/\u001b\[\d+m/g, '')).not.toMatch(/[\u001b\u202e]/);
    const narrow = formatters.stylish!(report, { cwd: tmp, color: false, columns: 60 }).split('\n');
    expect(
      narrow.filter((l) => l.startsWith('    keepalived') || l.startsWith('    Fix')).every((l) => l.length <= 60),
    ).toBe(true);
    const terse = formatters.stylish!(report, { cwd: tmp, color: false, detail: false });
    expect(terse).not.toContain('Second paragraph');
    expect(terse).toContain('300 is out of range for priority (1..255)');
  });

  it('wrapDetail keeps a word longer than the line whole', () => {
    expect(wrapDetail(`see ${'x'.repeat(30)} now`, '  ', 20)).toEqual(['  see', `  ${'x'.repeat(30)}`, '  now']);
  });

  it('--no-detail through the CLI', async () => {
    const full = await lint('stylish');
    const terse = await lint('stylish', ['--no-detail']);
    const withDetail = findings.filter((d) => d.detail);
    expect(withDetail.length).toBeGreaterThan(0);
    expect(terse.stdout.length).toBeLessThan(full.stdout.length);
    for (const d of withDetail) {
      const firstWords = escapeControl(d.detail!).split(' ').slice(0, 4).join(' ');
      expect(full.stdout).toContain(`\n    ${firstWords}`);
      expect(terse.stdout).not.toContain(`\n    ${firstWords}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// sarif: markdown and the rules it is given

describe('sarif from the formatter', () => {
  const file = path.join(tmp, 's.conf');
  const d: Diagnostic = {
    ruleId: 'x-y',
    severity: 'warning',
    message: 'Value "[a](http://e.example) *b*" for x',
    detail: '# not a heading\n<img src=x> and `code`',
    file,
    range: { start: 0, end: 0 },
    start: { line: 1, column: 1 },
    end: { line: 1, column: 2 },
    messageId: 'bad',
    data: { value: '[a](http://e.example) *b*' },
  };
  const report: LintReport = { results: [{ file, diagnostics: [d] }], errors: [], sources: new Map([[file, 'x\n']]) };

  it('escapes markdown in message and detail, and carries message id and data', () => {
    const log = JSON.parse(formatters.sarif!(report, { cwd: tmp, color: false })) as SarifLog;
    const res = log.runs[0]!.results[0]!;
    expect(res.message).toEqual({
      text: 'Value "[a](http://e.example) *b*" for x',
      markdown: 'Value "\\[a\\](http://e.example) \\*b\\*" for x\n\n\\# not a heading\n\\<img src=x\\> and \\`code\\`',
    });
    expect(res.properties).toEqual({ messageId: 'bad', data: { value: '[a](http://e.example) *b*' } });
    expectValidSarif(log);
  });

  it('describes only the rules of its findings when the caller hands it none (formats never import rules)', () => {
    const log = JSON.parse(formatters.sarif!(report, { cwd: tmp, color: false })) as SarifLog;
    expect(log.runs[0]!.tool.driver.rules).toEqual([{ id: 'x-y' }]);
    const meta = allRules[0]!.meta;
    const given = JSON.parse(formatters.sarif!(report, { cwd: tmp, color: false, rules: [meta] })) as SarifLog;
    expect(given.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual([meta.id, 'x-y']);
    for (const f of fs.readdirSync(path.join(REPO, 'src', 'format'))) {
      expect(fs.readFileSync(path.join(REPO, 'src', 'format', f), 'utf8')).not.toMatch(/from '(\.\.\/)+rules\//);
    }
  });
});
