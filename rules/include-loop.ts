import { defineRule } from '../src/rule-api/index.js';
import { includePatternAt } from '../src/model/includes.js';

/** A file that includes itself, directly or through others. */
export const rule = defineRule({
  meta: {
    id: 'include-loop',
    description: 'Include chains that come back to a file already being read.',
    severity: 'error',
    messages: {
      loop: {
        message: 'Include loop: {{chain}}',
        detail:
          'keepalived has no loop detection: it reads these files again and ' +
          'again until it runs out of file descriptors ("Too many open files"), ' +
          'splicing their contents in hundreds of times, and keepalived -t never ' +
          'names the loop (it exits 0 unless the repeated blocks clash). Fix: ' +
          'remove the include that points back.',
      },
      tooDeep: {
        message: 'Includes nested more than 64 deep at {{file}}',
        detail: 'This is almost certainly a loop through different paths to the same files.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        for (const p of ctx.problems) {
          const at = includePatternAt(ctx.file(p.origin.file)?.text, p.origin, p.data.pattern);
          if (p.code === 'include-loop')
            ctx.report({ messageId: 'loop', at, via: p.via, data: { chain: shorten(String(p.data.chain)) } });
          if (p.code === 'include-too-deep') ctx.report({ messageId: 'tooDeep', at, via: p.via, data: p.data });
        }
      },
    };
  },
});

function shorten(chain: string): string {
  const parts = chain.split(' -> ');
  const common = parts.reduce((acc, p) => {
    let i = 0;
    while (i < acc.length && acc[i] === p[i]) i++;
    return acc.slice(0, i);
  }, parts[0] ?? '');
  const cut = common.lastIndexOf('/') + 1;
  return parts.map((p) => p.slice(cut)).join(' -> ');
}
