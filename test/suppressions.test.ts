// Inline suppressions through the CLI. Each case lints a fixture of test/suppressions/ twice: as it
// is, and as a copy whose directives are defused (`keepalived-lint disable` -> `klx disable`), so
// that every finding a directive is said to drop is shown to exist without it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { REPO, lintJson, type JsonDiagnostic } from './helpers.js';

const DIR = path.join(REPO, 'test', 'suppressions');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-supp-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** `file:line rule` for every finding, file by base name. */
async function findings(
  file: string,
  extra: string[] = [],
): Promise<{ code: number; list: string[]; all: (JsonDiagnostic & { file: string })[] }> {
  const r = await lintJson(file, extra);
  expect(r.stderr).toBe('');
  const all = [...r.files].flatMap(([f, ds]) => ds.map((d) => ({ ...d, file: path.basename(f) })));
  return { code: r.code, list: all.map((d) => `${d.file}:${d.line} ${d.ruleId}`), all };
}

/** A copy of a fixture (file or folder) whose directives are plain comments. */
function defused(rel: string): string {
  const dest = path.join(tmp, `${rel.replace(/\//g, '_')}-${fs.readdirSync(tmp).length}`);
  const src = path.join(DIR, rel.split('/')[0]!);
  const isDir = fs.statSync(src).isDirectory();
  fs.cpSync(src, isDir ? dest : path.join(dest, path.basename(src)), { recursive: true });
  const walk = (p: string): void => {
    if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    else fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/keepalived-lint (disable|enable)/g, 'klx $1'));
  };
  walk(dest);
  return isDir ? path.join(dest, rel.split('/').slice(1).join('/')) : path.join(dest, path.basename(src));
}

/** What the directives dropped: in `without` but not in `with`. */
function dropped(without: string[], withDirectives: string[]): string[] {
  const left = [...withDirectives];
  return without.filter((x) => {
    const i = left.indexOf(x);
    if (i === -1) return true;
    left.splice(i, 1);
    return false;
  });
}

describe('directives in keepalived comments', () => {
  it(
    'each form drops exactly the findings it covers: disable-line ("#" and ' +
      '"!"), stacked disable-next-line, disable/enable with and without lists',
    async () => {
      const file = path.join(DIR, 'forms.conf');
      const without = await findings(defused('forms.conf'));
      const withDirectives = await findings(file);
      expect(dropped(without.list, withDirectives.list)).toEqual([
        'forms.conf:10 invalid-value', // priority 300 # ... disable-line invalid-value
        'forms.conf:11 advert-int-version', // ! ... disable-line (no list: every rule)
        'forms.conf:14 unknown-keyword', // two stacked disable-next-line, one rule each
        'forms.conf:14 syntax-error',
        'forms.conf:16 invalid-value', // disable-next-line covers one line only
        'forms.conf:28 unknown-keyword', // disable ... enable, every rule
        'forms.conf:29 invalid-value',
        'forms.conf:33 unknown-keyword', // disable unknown-keyword, invalid-value
        'forms.conf:34 invalid-value',
        'forms.conf:37 invalid-value', // still disabled after "enable unknown-keyword"
        'forms.conf:42 unknown-keyword', // disable (all) with invalid-value re-enabled
      ]);
      // Kept: after a block closes, what a list re-enabled, and text that only looks like a comment.
      expect(withDirectives.list).toEqual([
        'forms.conf:17 unknown-keyword',
        'forms.conf:31 unknown-keyword',
        'forms.conf:36 unknown-keyword',
        'forms.conf:39 invalid-value',
        'forms.conf:43 invalid-value',
        'forms.conf:54 unknown-keyword', // "# keepalived-lint disable-line" in double quotes
        'forms.conf:55 unknown-keyword', // \# keepalived-lint ...: an escaped "#" starts no comment
        'forms.conf:55 syntax-error',
        'forms.conf:56 unknown-keyword', // a disable block starts at its comment, after the keyword
      ]);
      expect(withDirectives.code).toBe(1);
    },
  );

  it('disable-file covers the listed rules in the whole file, above the comment too', async () => {
    const without = await findings(defused('whole-file.conf'));
    const withDirectives = await findings(path.join(DIR, 'whole-file.conf'));
    expect(dropped(without.list, withDirectives.list)).toEqual([
      'whole-file.conf:7 unknown-keyword',
      'whole-file.conf:9 unknown-keyword',
    ]);
    expect(withDirectives.list).toEqual(['whole-file.conf:10 invalid-value']);
  });

  it('covers findings of its own file only: an included file needs its own comments', async () => {
    const without = await findings(defused('include/keepalived.conf'));
    const withDirectives = await findings(path.join(DIR, 'include', 'keepalived.conf'));
    expect(without.list).toEqual(
      expect.arrayContaining([
        'extra.conf:1 unknown-keyword',
        'extra.conf:2 unknown-keyword',
        'legacy.conf:6 invalid-value',
        'legacy.conf:7 unknown-keyword',
      ]),
    );
    // Neither the disable-line on the include line nor disable-file in keepalived.conf reach
    // extra.conf; its own disable-line and legacy.conf's disable-file do.
    expect(withDirectives.list).toEqual(['extra.conf:1 unknown-keyword']);
  });

  it(
    'a finding from a $DEFINITION is suppressed where it points: the line ' + 'that uses it, not the definition',
    async () => {
      const without = await findings(defused('definitions.conf'));
      const withDirectives = await findings(path.join(DIR, 'definitions.conf'));
      expect(without.list).toEqual(['definitions.conf:9 invalid-value', 'definitions.conf:18 invalid-value']);
      expect(withDirectives.list).toEqual(['definitions.conf:18 invalid-value']);
    },
  );
});

describe('directives in the scripts a config calls', () => {
  it('shell comments suppress script findings; a here-document or a quoted "#" is no comment', async () => {
    const conf = 'scripts/etc/keepalived/keepalived.conf';
    const without = await findings(defused(conf));
    const withDirectives = await findings(path.join(DIR, conf));
    expect(without.list).toEqual([
      'route.sh:10 script-unknown-name',
      'route.sh:11 script-unknown-name',
      'route.sh:12 script-unknown-name',
      'route.sh:13 script-unknown-name',
    ]);
    // 10: disable-next-line above the arm; 12: disable-line after code. 11 keeps its finding (the
    // directive is in a string), and so does the file (its disable-file is in a here-document).
    expect(withDirectives.list).toEqual([
      'route.sh:11 script-unknown-name',
      'route.sh:13 script-unknown-name',
      'route.sh:13 lint-directive',
    ]);
    const typo = withDirectives.all.find((d) => d.ruleId === 'lint-directive')!;
    expect(typo.message).toContain('Unknown rule "script-unknown-nam" in keepalived-lint disable-line');
    expect(typo.detail).toContain('Did you mean "script-unknown-name"?');
  });
});

describe('directives that name what does not exist', () => {
  it('an unknown rule id or directive is an error at the comment that names it, and says what exists', async () => {
    const r = await findings(path.join(DIR, 'unknown.conf'));
    const directive = r.all.filter((d) => d.ruleId === 'lint-directive');
    expect(directive.map((d) => `${d.line}:${d.column}-${d.endColumn} ${d.severity}`)).toEqual([
      '6:48-62 error', // unknown-keywrd
      '7:65-77 error', // no-such-rule (unknown-keyword beside it still applies)
      '8:63-66 error', // "lab": a reason written without " -- "
      '8:67-70 error', // "box"
      '9:23-39 error', // disable-nextline
      '11:50-64 error', // lint-directive cannot be disabled by a comment
    ]);
    const ids = allRules.map((x) => x.meta.id).filter((id) => id !== 'lint-directive');
    expect(directive[0]!.message).toBe(
      'Unknown rule "unknown-keywrd" in keepalived-lint disable-line: nothing is suppressed for it',
    );
    expect(directive[0]!.detail).toBe(
      `This comment suppresses nothing for "unknown-keywrd". ` +
        `Did you mean "unknown-keyword"? The rules are: ${ids.join(', ')}.`,
    );
    expect(directive[2]!.message).toContain('Unknown rule "lab" in keepalived-lint');
    expect(directive[2]!.detail).toContain('(Write the reason after " -- ".)');
    expect(directive[4]!.message).toContain('Unknown keepalived-lint directive "disable-nextline"');
    expect(directive[4]!.detail).toContain('Did you mean "disable-next-line"?');
    expect(directive[5]!.message).toContain('"lint-directive" cannot be disabled by a comment');
    // The known ids of those lists still apply; the unknown ones suppress nothing.
    expect(r.list.filter((x) => !x.endsWith('lint-directive'))).toEqual([
      'unknown.conf:6 unknown-keyword',
      'unknown.conf:10 unknown-keyword',
      'unknown.conf:11 unknown-keyword',
    ]);
    expect(r.code).toBe(1);
  });
});

describe('--report-unused-disables', () => {
  it(
    'reports, as warnings at the directive, each directive or listed rule ' +
      'that suppressed nothing, and an enable that closes nothing',
    async () => {
      const file = path.join(DIR, 'unused.conf');
      const plain = await findings(file);
      expect(plain.list).toEqual([]);
      expect(plain.code).toBe(0);
      const r = await findings(file, ['--report-unused-disables']);
      expect(r.all.map((d) => `${d.line}:${d.column} ${d.severity} ${d.ruleId}`)).toEqual([
        '6:49 warning lint-directive', // disable-line invalid-value on a valid priority
        '7:41 warning lint-directive', // disable-next-line unknown-keyword above a known keyword
        '9:65 warning lint-directive', // invalid-value of "unknown-keyword, invalid-value" (the first one is used)
        '10:31 warning lint-directive', // disable invalid-value ... enable: nothing in between
        '13:7 warning lint-directive', // enable with nothing open
        '18:32 warning lint-directive', // disable-file duplicate-vrid
      ]);
      expect(r.all[0]!.message).toBe(
        'Unused keepalived-lint disable-line: no "invalid-value" finding on this line, so it suppresses nothing',
      );
      expect(r.all[0]!.detail).toBe('Remove the comment, so that it cannot hide a future finding.');
      expect(r.all[2]!.detail).toContain('Remove "invalid-value" from its list');
      expect(r.all[4]!.message).toContain('Unused keepalived-lint enable: no disable is open here');
      expect(r.code).toBe(0);
    },
  );

  it('is quiet about directives that suppress something, in configs and scripts', async () => {
    const forms = await findings(path.join(DIR, 'forms.conf'), ['--report-unused-disables']);
    // The one unused directive of forms.conf is the disable that starts after its keyword.
    expect(forms.list.filter((x) => x.endsWith('lint-directive'))).toEqual(['forms.conf:56 lint-directive']);
    const scripts = await findings(path.join(DIR, 'scripts/etc/keepalived/keepalived.conf'), [
      '--report-unused-disables',
    ]);
    expect(scripts.list.filter((x) => x.endsWith('lint-directive'))).toEqual(['route.sh:13 lint-directive']);
  });
});
