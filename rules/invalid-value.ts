import { defineRule, type Statement } from '../src/rule-api/index.js';
import { scopeOf } from '../src/tree/index.js';
import { syslogOnly } from '../src/model/instance-settings.js';
import { skippedBlocks } from '../src/model/skipped-blocks.js';
import { formatVersion } from '../src/versions/version.js';
import {
  checkSmtpServer,
  checkStatementValues,
  checkValueLines,
  emptyEmailBlock,
  type ValueFinding,
} from '../src/model/check-values.js';

/** Values keepalived rejects, clamps or silently drops, and the missing value that stops it. */
export const rule = defineRule({
  meta: {
    id: 'invalid-value',
    description: 'Missing, out-of-range or malformed values, bad addresses, and extra words keepalived ignores.',
    severity: 'error',
    // Its statement hook reads the statement and the blocks around it only (its end() reads the tree).
    statementLocal: true,
    messages: {
      missingParam: {
        message:
          'Missing value: "{{name}}" needs {{count}} word(s) after it; keepalived stops reading the configuration here',
        detail:
          '"{{name}}" needs {{count}} word(s) after it{{why}}. keepalived stops ' +
          'reading the whole configuration at this line ("missing a parameter ' +
          'after keyword", exit 2), so nothing after it is checked or applied. ' +
          'Fix: give "{{name}}" its value.',
      },
      notNumber: {
        message: '"{{value}}" is not a number: {{name}} takes {{range}}',
        detail:
          'keepalived rejects it and treats {{name}} as not set (its default ' +
          'applies, if it has one). Fix: write a number in {{range}}.',
      },
      outOfRange: {
        message: '{{value}} is out of range for {{name}} ({{range}})',
        detail:
          'keepalived reports "number \'{{value}}\' outside range" and treats ' +
          '{{name}} as not set (its default applies, if it has one). Fix: use a ' +
          'value in {{range}}.',
      },
      decimals: {
        message: '"{{value}}" has too many decimal places for {{name}} (at most {{decimals}})',
        detail:
          'keepalived rejects it and treats {{name}} as not set (its default ' +
          'applies, if it has one). Fix: round it to {{decimals}} decimal places.',
      },
      badEnum: {
        message: '"{{value}}" is not a valid value for {{name}}: keepalived ignores it',
        detail: 'Expected one of {{expected}}. keepalived ignores it and keeps the default.{{hint}}',
      },
      badBool: {
        message: '"{{value}}" is not a boolean for {{name}}: keepalived rejects the line',
        detail: 'keepalived rejects the line. Fix: use on/off, true/false or yes/no.',
      },
      badAddress: {
        message: '"{{value}}" is not a valid IP address{{what}}: keepalived skips it',
        detail: 'keepalived skips it ("{{kmsg}}"). Fix: write an IPv4 or IPv6 address.',
      },
      badPrefix: {
        message:
          'Invalid prefix length "/{{prefix}}" in "{{value}}" (at most ' +
          '/{{max}}): keepalived adds a /{{max}} host address',
        detail:
          'keepalived reports "Invalid address prefix len {{prefix}}" and adds ' +
          'the address as a /{{max}} host address, which is probably not the ' +
          'subnet you meant. Fix: correct the prefix length.',
      },
      badAddressOption: {
        message: 'Unknown option "{{value}}" on this address line: keepalived ignores it',
        detail:
          "keepalived ignores it (\"Unknown configuration entry '{{value}}' for " +
          'ip address"). Options are dev, brd, scope, label, peer, home, -nodad, ' +
          'mngtmpaddr, noprefixroute, autojoin, no_track, preferred_lft, ' +
          'track_group, use_vmac.',
      },
      badRouteWord: {
        message: 'Unknown route keyword "{{value}}": keepalived drops the whole route',
        detail:
          'keepalived takes it for the destination, reports "unknown route ' +
          'keyword {{value}}" and drops the whole route, so it is never ' +
          'installed.',
      },
      routeNoDestination: {
        message: 'Route without a destination: keepalived drops the whole route',
        detail:
          'keepalived reports "Route must have a destination" and drops the ' +
          'whole route, so it is never installed.{{why}}',
      },
      badRuleWord: {
        message: 'Unknown rule option "{{value}}": keepalived drops the whole rule',
        detail:
          'keepalived reports "Unknown rule option {{value}}" and drops the whole rule, so it is never installed.',
      },
      emptyEmailBlock: {
        message: 'Empty notification_email block: it lists no recipient',
        detail: '{{does}}. Fix: list the recipients in it, one address per line, or remove the block.',
      },
      badSmtpServer: {
        message: '"{{value}}" is not a valid smtp_server {{what}}: keepalived has no SMTP server to send alerts to',
        detail:
          'keepalived reports "{{kmsg}}" and leaves smtp_server unset, so no smtp_alert mail is ' +
          "sent. Fix: write the mail relay's address or host name, then an optional port: " +
          '"smtp_server 192.0.2.25 25".',
      },
      skippedBlock: {
        message: '"{{value}}" is not a valid virtual_server {{what}}: keepalived skips the whole virtual_server block',
        detail:
          'keepalived {{target}} skips this virtual_server and everything in it ("{{says}}"){{visibility}}: ' +
          '{{skipped}}, and none of its lines is checked further here. Fix: write the virtual IP ' +
          'address and port, e.g. "virtual_server 192.0.2.1 80" (or "fwmark N", "group NAME").',
      },
      emptyValue: {
        message: '"{{name}}" has no value: keepalived ignores the line',
        detail:
          'keepalived reports an error for this line and ignores it, keeping the ' +
          'default. Fix: give it a value or remove the line.',
      },
      extraWords: {
        message: 'Extra words after "{{name}}" are ignored: "{{words}}"',
        detail: 'keepalived reads one keyword per line{{hint}}.',
      },
      blockExtraParams: {
        message: 'Words between "{{name}}" and "{" are ignored: "{{words}}"',
        detail:
          'keepalived reports "Block {{name}} has extra parameters" and ignores ' +
          'them. Fix: remove them; a value block takes no name.',
      },
    },
  },
  create(ctx) {
    /** A new line an edit starts is indented like the statement's own line. */
    const indented = (f: NonNullable<ValueFinding['suggestion']>, s: Statement) => {
      const text = ctx.file(s.keyword.origin.file)?.text ?? '';
      const lineStart = text.lastIndexOf('\n', s.keyword.origin.start - 1) + 1;
      const indent = /^[ \t]*/.exec(text.slice(lineStart, s.keyword.origin.start))?.[0] ?? '';
      return { ...f, edits: f.edits.map((e) => ({ ...e, text: e.text.replace(/^\n/, `\n${indent}`) })) };
    };
    return {
      statement(s) {
        const scope = scopeOf(ctx.table, s.parent);
        const email = emptyEmailBlock(s, ctx.target);
        const smtp = checkSmtpServer(s, ctx.target);
        const words = checkStatementValues(s, scope, ctx.table);
        const lines = s.values.length ? checkValueLines(s) : [];
        // Nearly every statement is valid: no list is built for it.
        if (!words.length && !lines.length && !email && !smtp) return;
        for (const f of [...words, ...lines, ...(email ? [email] : []), ...(smtp ? [smtp] : [])]) {
          ctx.report({
            messageId: f.messageId,
            at: f.at,
            data: f.data,
            ...(f.severity ? { severity: f.severity } : {}),
            ...(f.suggestion ? { suggestions: [indented(f.suggestion, s)] } : {}),
          });
        }
      },
      end() {
        for (const b of skippedBlocks(ctx.tree, ctx.target)) {
          const servers = b.statement.children.filter((c) => c.keyword.text === 'real_server');
          const list = servers.map((c) => c.args.map((a) => a.text).join(' ')).join(', ');
          const skipped = servers.length
            ? `no IPVS service is set up for it, and its ${servers.length} real_server(s) (${list}) and ` +
              'their health checks never exist'
            : 'no IPVS service is set up for it';
          ctx.report({
            messageId: 'skippedBlock',
            at: b.bad,
            data: {
              value: b.bad.text,
              what: b.what,
              says: b.says,
              skipped,
              target: formatVersion(ctx.target),
              visibility: syslogOnly(ctx.target),
            },
          });
        }
        for (const issue of ctx.tree.issues) {
          if (issue.code !== 'block-extra-params') continue;
          const name = issue.statement.keyword.text;
          ctx.report({
            messageId: 'blockExtraParams',
            at: issue.words[0]!,
            data: { name, words: issue.words.map((w) => w.text).join(' ') },
          });
        }
      },
    };
  },
});
