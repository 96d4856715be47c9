import type { Rule } from '../src/engine/types.js';
import { scopeOf } from '../src/tree/index.js';
import { checkStatementValues, checkValueLines, emptyEmailBlock } from '../src/model/check-values.js';

/** Values keepalived rejects, clamps or silently drops, and the missing value that stops it. */
export const rule: Rule = {
  meta: {
    id: 'invalid-value',
    description: 'Missing, out-of-range or malformed values, bad addresses, and extra words keepalived ignores.',
    severity: 'error',
    messages: {
      missingParam:
        'Missing value: "{{name}}" needs {{count}} word(s) after it{{why}}. keepalived stops reading the whole configuration at this line ("missing a parameter after keyword", exit 2), so nothing after it is checked or applied.',
      notNumber: '"{{value}}" is not a number: {{name}} takes {{range}}. keepalived rejects it and treats {{name}} as not set (its default applies, if it has one).',
      outOfRange: '{{value}} is out of range for {{name}} ({{range}}): keepalived reports "number \'{{value}}\' outside range" and treats {{name}} as not set (its default applies, if it has one).',
      decimals: '"{{value}}" has too many decimal places for {{name}} (at most {{decimals}}): keepalived rejects it and treats {{name}} as not set (its default applies, if it has one).',
      badEnum: '"{{value}}" is not a valid value for {{name}}: expected one of {{expected}}. keepalived ignores it and keeps the default.{{hint}}',
      badBool: '"{{value}}" is not a boolean for {{name}}: use on/off, true/false or yes/no. keepalived rejects the line.',
      badAddress: '"{{value}}" is not a valid IP address{{what}}: keepalived skips it ("{{kmsg}}").',
      badPrefix:
        'Invalid prefix length "/{{prefix}}" in "{{value}}" (at most /{{max}}): keepalived reports "Invalid address prefix len {{prefix}}" and adds the address as a /{{max}} host address, which is probably not the subnet you meant.',
      badAddressOption:
        'Unknown option "{{value}}" on this address line: keepalived ignores it ("Unknown configuration entry \'{{value}}\' for ip address"). Options are dev, brd, scope, label, peer, home, -nodad, mngtmpaddr, noprefixroute, autojoin, no_track, preferred_lft, track_group, use_vmac.',
      badRouteWord:
        'Unknown route keyword "{{value}}": keepalived takes it for the destination, reports "unknown route keyword {{value}}" and drops the whole route, so it is never installed.',
      routeNoDestination: 'Route without a destination: keepalived reports "Route must have a destination" and drops the whole route, so it is never installed.{{why}}',
      badRuleWord: 'Unknown rule option "{{value}}": keepalived reports "Unknown rule option {{value}}" and drops the whole rule, so it is never installed.',
      emptyEmailBlock: 'Empty notification_email block: {{does}}. List the recipients in it, one address per line, or remove the block.',
      emptyValue: '"{{name}}" has no value: keepalived reports an error for this line and ignores it, keeping the default. Give it a value or remove the line.',
      extraWords: 'Extra words after "{{name}}" are ignored: "{{words}}". keepalived reads one keyword per line{{hint}}.',
      blockExtraParams:
        'Words between "{{name}}" and "{" are ignored: "{{words}}" (keepalived: "Block {{name}} has extra parameters"). Remove them; a value block takes no name.',
    },
  },
  create(ctx) {
    return {
      statement(s) {
        const scope = scopeOf(ctx.table, s.parent);
        const email = emptyEmailBlock(s, ctx.target);
        for (const f of [...checkStatementValues(s, scope, ctx.table), ...checkValueLines(s), ...(email ? [email] : [])]) {
          ctx.report({ messageId: f.messageId, at: f.at, data: f.data, ...(f.severity ? { severity: f.severity } : {}) });
        }
      },
      end() {
        for (const issue of ctx.tree.issues) {
          if (issue.code !== 'block-extra-params') continue;
          const name = issue.statement.keyword.text;
          ctx.report({ messageId: 'blockExtraParams', at: issue.words[0]!, data: { name, words: issue.words.map((w) => w.text).join(' ') } });
        }
      },
    };
  },
};
