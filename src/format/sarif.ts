/**
 * SARIF 2.1.0, the format GitHub code scanning and most CI dashboards import. Example (trimmed):
 *   {"version":"2.1.0","runs":[{"tool":{"driver":{"name":"keepalived-lint","rules":[{"id":"unknown-keyword",...}]}},
 *    "results":[{"ruleId":"unknown-keyword","ruleIndex":27,"level":"error",
 *    "message":{"text":"Unknown keyword ...","markdown":"Unknown keyword ...\n\n(detail)"},
 *    "locations":[{"physicalLocation":{"artifactLocation":{"uri":"keepalived.conf","uriBaseId":"%SRCROOT%"},
 *    "region":{"startLine":9,"startColumn":5,"endLine":9,"endColumn":12}}}]}]}]}
 *    "properties":{"messageId":"unknown","data":{"keyword":"priorty",...}}}]}]}
 * Columns are UTF-16 code units and endColumn is exclusive, as in the engine's positions. The
 * markdown forms are the plain text with markdown's characters escaped: config values quoted in a
 * message must not become links or markup in a code-scanning view.
 */
import { crypto } from '../source/builtins.js';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, FileFix, LintReport, RuleMeta, Severity } from '../engine/types.js';
import { DOCS_BASE_URL, REPOSITORY_URL, messageWithConfigIds, relativePath, ruleDocsUrl } from './common.js';
import { findingIdentity } from '../engine/finding-key.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
/** Name of our partial fingerprint: bump the version when what it hashes changes (v2: message id and data, not text).
 * */
export const FINGERPRINT_KEY = 'keepalivedLintFinding/v2';

export interface SarifOptions {
  cwd: string;
  version?: string;
  rules: readonly RuleMeta[];
  /** The folder of the rule pages (helpUri); default DOCS_BASE_URL. */
  ruleUrlBase?: string;
  /** informationUri; default REPOSITORY_URL. */
  repositoryUrl?: string;
}

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface SarifRule {
  id: string;
  shortDescription?: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration?: { level: Level };
}

export function toSarif(report: LintReport, opts: SarifOptions): Record<string, unknown> {
  const driverRules: SarifRule[] = opts.rules.map((meta) => describeRule(meta, opts.ruleUrlBase ?? DOCS_BASE_URL));
  const ruleIndex = new Map(driverRules.map((r, i) => [r.id, i]));
  // Findings of a rule outside the registry (another tool's messages merged in) still need an
  // entry, or ruleIndex would point nowhere.
  for (const r of report.results) {
    for (const d of r.diagnostics) {
      if (!ruleIndex.has(d.ruleId)) {
        ruleIndex.set(d.ruleId, driverRules.length);
        driverRules.push({ id: d.ruleId });
      }
    }
  }
  const fingerprints = new Fingerprints(report);
  const results = report.results.flatMap((r) =>
    r.diagnostics.map((d) => ({
      ruleId: d.ruleId,
      ruleIndex: ruleIndex.get(d.ruleId)!,
      level: LEVEL[d.severity],
      message: resultMessage(d),
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifact(d.file, opts.cwd),
            region: {
              startLine: d.start.line,
              startColumn: d.start.column,
              endLine: d.end.line,
              endColumn: d.end.column,
            },
          },
        },
      ],
      ...(d.related?.length
        ? {
            relatedLocations: d.related.map((rel, i) => ({
              id: i + 1,
              physicalLocation: {
                artifactLocation: artifact(rel.file, opts.cwd),
                region: { startLine: rel.start.line, startColumn: rel.start.column },
              },
              message: { text: rel.message },
            })),
          }
        : {}),
      // SARIF fixes: the safe fix, then the suggestions (a viewer shows each as a proposed change).
      ...(d.fix || d.suggestions
        ? { fixes: [...(d.fix ? [d.fix] : []), ...(d.suggestions ?? [])].map((f) => sarifFix(f, opts.cwd)) }
        : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprints.of(d, opts.cwd) },
      properties: {
        ...(d.messageId !== undefined ? { messageId: d.messageId } : {}),
        data: d.data ?? {},
        ...(d.configIds ? { configIds: d.configIds } : {}),
      },
    })),
  );
  const notifications = report.errors.map((e) => ({
    level: 'error' as const,
    message: { text: `Cannot lint this file: ${e.message}` },
    locations: [{ physicalLocation: { artifactLocation: artifact(e.file, opts.cwd) } }],
  }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keepalived-lint',
            ...(opts.version ? { version: opts.version, semanticVersion: opts.version } : {}),
            informationUri: opts.repositoryUrl ?? REPOSITORY_URL,
            rules: driverRules,
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(opts.cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function describeRule(meta: RuleMeta, base: string): SarifRule {
  const url = ruleDocsUrl(meta.id, base);
  return {
    id: meta.id,
    shortDescription: { text: firstClause(meta.description) },
    fullDescription: { text: meta.description },
    help: {
      text: `${meta.description}\n\n${url}`,
      markdown: `${markdownText(meta.description)}\n\n[${meta.id}](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: LEVEL[meta.severity] },
  };
}

/** The message as text (with its config-ids), and as markdown followed by the detail. */
function resultMessage(d: Diagnostic): { text: string; markdown?: string } {
  const text = messageWithConfigIds(d);
  if (!d.detail) return { text };
  const detail = d.detail.split(/\r?\n/).map(markdownText).join('\n');
  return { text, markdown: `${markdownText(text)}\n\n${detail}` };
}

/**
 * Plain text as markdown that renders as itself: markdown's inline punctuation backslash-escaped
 * (`[x](u)` stays text, `<b>` stays text, `*a*` is not emphasis), and what would open a heading, a
 * list or a quote at the start of the line; control characters as spaces.
 * Example: markdownText('- a *b* [c](d)') -> '\\- a \\*b\\* \\[c\\](d)'.
 */
export function markdownText(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** "Two instances with one VRID: keepalived refuses ..." -> "Two instances with one VRID". */
function firstClause(description: string): string {
  const m = /^(.+?)(?::\s|\.\s|\.$)/.exec(description);
  return m ? m[1]! : description;
}

/** Relative to %SRCROOT% (the cwd) when inside it, else an absolute file: URI. */
function artifact(file: string, cwd: string): ArtifactLocation {
  const rel = relativePath(file, cwd);
  if (path.isAbsolute(rel)) return { uri: pathToFileURL(file).href };
  return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : href + '/';
}

/**
 * An id for a finding that survives lines added above it and a rewording of its message: rule,
 * file, message id and data without the positions they cite, the trimmed source line, and the
 * rank among findings with the same key.
 * Code scanning uses it to follow a finding across commits.
 */
class Fingerprints {
  private readonly seen = new Map<string, number>();
  private readonly lines = new Map<string, string[]>();
  constructor(private readonly report: LintReport) {}

  of(d: Diagnostic, cwd: string): string {
    let lines = this.lines.get(d.file);
    if (!lines) this.lines.set(d.file, (lines = this.report.sources.get(d.file)?.split('\n') ?? []));
    const line = lines[d.start.line - 1]?.trim().replace(/\s+/g, ' ') ?? '';
    // Data cite other lines as file:line:column; those move with every edit above them.
    const key = [relativePath(d.file, cwd), findingIdentity(d, [cwd]), line].join('\0');
    const rank = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, rank);
    return crypto().createHash('sha256').update(`${key}\0${rank}`).digest('hex').slice(0, 32);
  }
}

/** A fix as SARIF 2.1.0 §3.55: per file, the regions replaced and their new text. */
function sarifFix(f: FileFix, cwd: string) {
  const byFile = new Map<string, FileFix['edits']>();
  for (const e of f.edits) {
    const list = byFile.get(e.file);
    if (list) list.push(e);
    else byFile.set(e.file, [e]);
  }
  return {
    description: { text: f.message },
    artifactChanges: [...byFile].map(([file, edits]) => ({
      artifactLocation: artifact(file, cwd),
      replacements: edits.map((e) => ({
        deletedRegion: {
          startLine: e.from.line,
          startColumn: e.from.column,
          endLine: e.to.line,
          endColumn: e.to.column,
        },
        insertedContent: { text: e.text },
      })),
    })),
  };
}
