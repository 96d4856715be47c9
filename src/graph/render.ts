/**
 * The graph as Mermaid (renders on GitHub in a ```mermaid block) and as Graphviz DOT. Every name
 * comes from an untrusted config: ids are ours (letters, digits, `_`), and labels are escaped so
 * that no quote, bracket, `#`, `<`, backtick, newline or control character changes the drawing.
 * Elements that carry an error or warning finding are drawn red. Example:
 *
 *   instance VI_"1 -> Mermaid `n0_i0["VI_#quot;1"]`, DOT `n0_i0 [label="VI_\"1"]`
 */
import { flagged, type Graph, type GraphElement } from './model.js';

/**
 * Control characters, the line/paragraph separators and the bidi controls that reorder what a
 * reviewer sees, shown as \xNN / \uNNNN (never a line break, never a reordering).
 */
function visibleControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.charCodeAt(0);
    return n > 0xff ? `\\u${n.toString(16).padStart(4, '0')}` : `\\x${n.toString(16).padStart(2, '0')}`;
  });
}

/**
 * Text inside a Mermaid `"..."` label: `#` first (it starts Mermaid's entity codes), then what
 * would end the string or be read as HTML or Markdown, as entity codes; line breaks as `<br>`.
 */
export function mermaidText(s: string): string {
  return s
    .split('\n')
    .map((line) =>
      visibleControls(line).replace(/[#"<>&`|]/g, (c) =>
        c === '#' ? '#35;' : c === '"' ? '#quot;' : `#${c.charCodeAt(0)};`,
      ),
    )
    .join('<br>');
}

const SHAPES: Record<GraphElement['kind'], [string, string]> = {
  router: ['[', ']'],
  'sync-group': ['([', '])'],
  instance: ['[', ']'],
  vip: ['[/', '/]'],
  interface: ['[(', ')]'],
  'vrrp-script': ['{{', '}}'],
  'track-process': ['{{', '}}'],
  'track-file': ['[\\', '\\]'],
  'track-bfd': ['((', '))'],
  script: ['[[', ']]'],
  arm: ['>', ']'],
  'virtual-server': ['[/', '\\]'],
  'real-server': ['(', ')'],
};

/** Peers are drawn dotted (an arrow either way would do: adverts go both ways). */
const EDGE_STYLE: Record<string, string> = { peer: '-.->' };

export function toMermaid(graph: Graph): string {
  const out = ['flowchart LR'];
  const routers = graph.nodes.filter((e) => e.kind === 'router');
  for (const r of routers) {
    out.push(`  subgraph ${r.id}_box["${mermaidText(r.label)}"]`);
    out.push(`    ${r.id}["${mermaidText(`router ${r.label}`)}"]`);
    for (const e of graph.nodes) {
      if (e.kind === 'router' || e.router !== r.router) continue;
      const [open, close] = SHAPES[e.kind];
      out.push(`    ${e.id}${open}"${mermaidText(e.label)}"${close}`);
    }
    out.push('  end');
  }
  for (const e of graph.edges) {
    const arrow = EDGE_STYLE[e.kind] ?? '-->';
    const label = e.label ?? (e.kind === 'contains' || e.kind === 'member' || e.kind === 'real-server' ? '' : e.kind);
    out.push(`  ${e.from} ${arrow}${label ? `|"${mermaidText(label)}"|` : ''} ${e.to}`);
  }
  const red = graph.nodes.filter(flagged).map((e) => e.id);
  out.push('  classDef finding fill:#fdd,stroke:#c00,stroke-width:2px,color:#900');
  if (red.length) out.push(`  class ${red.join(',')} finding`);
  return out.join('\n') + '\n';
}

/** Text inside a DOT `"..."` string: backslash and quote escaped, line breaks as \n, controls visible. */
export function dotText(s: string): string {
  return s
    .split('\n')
    .map((line) => visibleControls(line).replace(/[\\"]/g, (c) => `\\${c}`))
    .join('\\n');
}

const DOT_SHAPES: Record<GraphElement['kind'], string> = {
  router: 'box3d',
  'sync-group': 'folder',
  instance: 'box',
  vip: 'parallelogram',
  interface: 'cylinder',
  'vrrp-script': 'hexagon',
  'track-process': 'hexagon',
  'track-file': 'note',
  'track-bfd': 'octagon',
  script: 'component',
  arm: 'cds',
  'virtual-server': 'trapezium',
  'real-server': 'ellipse',
};

export function toDot(graph: Graph): string {
  const out = ['digraph keepalived {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  const routers = graph.nodes.filter((e) => e.kind === 'router');
  for (const r of routers) {
    out.push(`  subgraph cluster_${r.id} {`, `    label="${dotText(r.label)}";`);
    for (const e of graph.nodes) {
      if (e.router !== r.router) continue;
      const label = e.kind === 'router' ? `router ${e.label}` : e.label;
      const red = flagged(e) ? ', color="#cc0000", fontcolor="#990000", style=filled, fillcolor="#ffdddd"' : '';
      const tip = e.findings.length ? `, tooltip="${dotText(e.findings.map((f) => f.message).join('\n'))}"` : '';
      out.push(`    ${e.id} [shape=${DOT_SHAPES[e.kind]}, label="${dotText(label)}"${red}${tip}];`);
    }
    out.push('  }');
  }
  for (const e of graph.edges) {
    const attrs = [
      ...(e.label
        ? [`label="${dotText(e.label)}"`]
        : e.kind === 'contains' || e.kind === 'real-server'
          ? []
          : [`label="${e.kind}"`]),
      ...(e.kind === 'peer' ? ['style=dashed', 'dir=both', 'constraint=false'] : []),
    ];
    out.push(`  ${e.from} -> ${e.to}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
