import { defineRule } from '../src/rule-api/index.js';

/**
 * Problems of the `keepalived-lint disable...` comments themselves. The engine reports them
 * (src/engine/suppressions.ts), after every rule has run: only then is it known which findings a
 * directive suppresses. This file holds the rule's metadata so that it has an id, a severity, a
 * docs page and a place in the configuration like every other rule.
 */
export const rule = defineRule({
  meta: {
    id: 'lint-directive',
    description:
      'keepalived-lint disable/enable comments that name an unknown rule or ' +
      'directive, and (with --report-unused-disables) those that suppress ' +
      'nothing.',
    severity: 'error',
    messages: {
      unknownRule: {
        message: 'Unknown rule "{{id}}" in keepalived-lint {{kind}}: nothing is suppressed for it',
        detail: 'This comment suppresses nothing for "{{id}}".{{hint}} The rules are: {{rules}}.',
      },
      unknownDirective: {
        message: 'Unknown keepalived-lint directive "{{word}}": this comment suppresses nothing',
        detail:
          'keepalived-lint does not know "{{word}}", so this comment suppresses ' +
          'nothing.{{hint}} The directives are disable-next-line, disable-line, ' +
          'disable, enable and disable-file.',
      },
      notSuppressible: {
        message: '"{{id}}" cannot be disabled by a comment: it reports problems of these comments themselves',
        detail: "Fix the comment, or set the rule's severity to off in the configuration.",
      },
      unusedDisable: {
        message: 'Unused keepalived-lint {{kind}}: {{what}} {{where}}, so it suppresses nothing',
        detail: '{{fix}}, so that it cannot hide a future finding.',
      },
      unusedEnable: {
        message: 'Unused keepalived-lint enable: no disable{{rules}} is open here, so it re-enables nothing',
        detail: 'Remove it, or check the disable it was meant to close.',
      },
    },
  },
  create() {
    return {};
  },
});
