/**
 * The pipeline's layers, held by dependency-cruiser (`npm run deps`, part of `npm test`), not by
 * review, as DESIGN.md ("The pipeline") and architecture.json (parts, arrows, never) draw them.
 * Data flows one way; a stage imports only from the stages before it:
 *
 *   source -> parser -> preprocess -> tree -> model -> load -> rules -> engine -> format -> cli
 *                                   versions (data, from tree on)
 *                                   scripts (beside model: the model fills in the ScriptCall shape the
 *                                            script store reads, types only; scripts never import model)
 *                                   config (below load)
 *                                   rule-api (above model, below config and load: the rules' door)
 *                                   cluster, diff, keepalived, graph, simulate (beside engine: use load, model, engine)
 *
 * Type-only imports count (tsPreCompilationDeps): a type import is still a dependency of the design.
 */

/**
 * The layers, lowest first. A module may import from its own layer and the layers with a lower
 * rank; the named rules below forbid some of those too (the never-arrows of architecture.json).
 */
const LAYERS = [
  { name: 'source', rank: 0, paths: ['src/source/'] },
  { name: 'parser', rank: 1, paths: ['src/parser/', 'grammar/'] },
  { name: 'preprocess', rank: 2, paths: ['src/preprocess/'] },
  { name: 'versions', rank: 2.5, paths: ['src/versions/'] },
  { name: 'tree', rank: 3, paths: ['src/tree/'] },
  // Shell analysis knows no keepalived model; the model fills in the shape it reads (ScriptCall).
  { name: 'scripts', rank: 3.5, paths: ['src/scripts/'] },
  { name: 'model', rank: 4, paths: ['src/model/'] },
  // The rules' contract: types over the model (and rule settings, which config and load read).
  { name: 'rule-api', rank: 4.25, paths: ['src/rule-api/'] },
  { name: 'config', rank: 4.5, paths: ['src/config/'] },
  { name: 'load', rank: 5, paths: ['src/load/'] },
  // The cluster's model (nodes, instances grouped into virtual routers, the cluster rule contract):
  // what cluster rules see. The rest of src/cluster/ loads the nodes and runs the rules.
  {
    name: 'cluster-model',
    rank: 5.5,
    paths: ['src/cluster/types.ts', 'src/cluster/groups.ts', 'src/cluster/model.ts'],
  },
  { name: 'rules', rank: 6, paths: ['rules/'] },
  { name: 'engine', rank: 7, paths: ['src/engine/'] },
  {
    name: 'beside-engine',
    rank: 7.5,
    paths: ['src/cluster/', 'src/diff/', 'src/keepalived/', 'src/graph/', 'src/simulate/'],
  },
  { name: 'format', rank: 8, paths: ['src/format/'] },
  { name: 'cli', rank: 9, paths: ['src/cli/'] },
  // The language server: a command beside cli (which starts it), using the loader, engine and formats.
  { name: 'lsp', rank: 9, paths: ['src/lsp/'] },
  // Entry points and the project's own tools: they may import everything.
  { name: 'tools', rank: 10, paths: ['bin/', 'scripts/'] },
];

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A regex matching paths under any of these prefixes (a prefix ending in .ts is one file). */
const under = (prefixes) => `^(?:${prefixes.map(esc).join('|')})`;
/** The prefixes that lie both under one of `a` and under one of `b`. */
const intersect = (a, b) => {
  const out = new Set();
  for (const x of a) {
    for (const y of b) {
      if (y.startsWith(x)) out.add(y);
      else if (x.startsWith(y)) out.add(x);
    }
  }
  return [...out];
};

/**
 * A rule that holds (`error`) for every file under `from` (but not under `fromNot`) except the
 * `pending` ones (PENDING entries), and warns for those. `from`/`fromNot` are path prefixes; `to` a
 * dependency-cruiser `to` condition.
 */
function withPending({ name, comment, from, fromNot = [], pending: wanted = [], to }) {
  const pending = intersect(from, wanted).filter((p) => !fromNot.some((n) => p.startsWith(n)));
  const strict = { name, comment, severity: 'error', from: { path: under(from) }, to };
  const not = [...fromNot, ...pending];
  if (not.length) strict.from.pathNot = under(not);
  if (!pending.length) return [strict];
  const later = {
    name: `${name}-pending`,
    comment: `${comment} (warn until the rewrite of ${pending.join(', ')} is merged: then drop it from PENDING)`,
    severity: 'warn',
    from: { path: under(pending) },
    to,
  };
  return [strict, later];
}

/** One rule per layer: nothing from a layer above it. */
const layerRules = LAYERS.filter((l) => l.rank < 10).flatMap((layer) => {
  const above = LAYERS.filter((o) => o.rank > layer.rank).flatMap((o) => o.paths);
  // A layer may hold files under a higher layer's folder (src/cluster/types.ts under src/cluster/):
  // those are its own, and the higher layer's folder rule leaves them out.
  const below = LAYERS.filter((o) => o.rank <= layer.rank).flatMap((o) => o.paths);
  const inside = below.filter((p) => above.some((a) => p.startsWith(a)));
  const lower = LAYERS.filter((o) => o.rank < layer.rank).flatMap((o) => o.paths);
  const fromNot = lower.filter((p) => layer.paths.some((a) => p.startsWith(a)));
  return withPending({
    name: `layer-${layer.name}`,
    comment: `${layer.name} imports only from the stages before it (DESIGN.md "The pipeline")`,
    from: layer.paths,
    fromNot,
    pending: layer.pending,
    to: inside.length ? { path: under(above), pathNot: under(inside) } : { path: under(above) },
  });
});

module.exports = {
  forbidden: [
    ...layerRules,

    ...withPending({
      name: 'formats-never-import-rules',
      comment: 'formats are pure functions of a report: the CLI hands them the rule list',
      from: ['src/format/'],
      to: { path: '^rules/' },
    }),
    ...withPending({
      name: 'scripts-never-import-model',
      comment: 'shell analysis knows no keepalived model: the model builds the ScriptCall the store reads',
      from: ['src/scripts/'],
      to: { path: '^src/model/' },
    }),
    ...withPending({
      name: 'model-imports-only-types-of-scripts',
      comment: 'the model names the shapes shell analysis reads (NameSource, ScriptCall); it never runs it',
      from: ['src/model/'],
      to: { path: '^src/scripts/', dependencyTypesNot: ['type-only'] },
    }),
    ...withPending({
      name: 'rules-see-rule-api-and-model',
      comment: 'rules see the rule API and the model: never the engine, raw preprocessor output or Ohm',
      from: ['rules/'],
      to: { path: '^src/(?:engine|preprocess|parser)/' },
    }),
    ...withPending({
      name: 'model-never-imports-parser',
      comment: 'only src/parser knows Ohm and the lexer; the model reads the tree',
      from: ['src/model/'],
      to: { path: '^src/parser/' },
    }),
    ...withPending({
      name: 'only-parser-imports-ohm',
      comment: 'src/parser/ is the ONLY place that imports ohm-js and the generated grammar bundle',
      from: ['src/', 'rules/'],
      fromNot: ['src/parser/'],
      to: { path: '(?:^|/)node_modules/ohm-js/|^grammar/' },
    }),
    ...withPending({
      name: 'library-knows-no-cli',
      comment: 'the library knows no command line: only src/cli (and bin) import src/cli',
      from: ['src/', 'rules/'],
      fromNot: ['src/cli/'],
      to: { path: '^src/cli/' },
    }),
    ...withPending({
      name: 'source-imports-nothing-above',
      comment: 'src/source is the bottom of the pipeline: it imports no other stage',
      from: ['src/source/'],
      to: { path: '^(?:src/|rules/|grammar/)', pathNot: '^src/source/' },
    }),
    ...withPending({
      name: 'rule-api-imports-only-types',
      comment: 'the rule API is types and helpers on types: it imports only types from the stages below it',
      from: ['src/rule-api/'],
      to: { path: '^(?:src/|rules/)', pathNot: '^src/rule-api/', dependencyTypesNot: ['type-only'] },
    }),
    {
      name: 'rule-api-users',
      comment: 'the rule API is for rules, the engine and cluster rules (and the CLI, which may import anything)',
      severity: 'error',
      from: { pathNot: '^(?:rules/|src/(?:rule-api|engine|cluster|cli|config|load)/|bin/|scripts/)' },
      to: { path: '^src/rule-api/' },
    },
    {
      name: 'rule-api-settings-types-only',
      comment: 'config and load read rule settings (RuleMeta, SeveritySetting): types only, they run no rule',
      severity: 'error',
      from: { path: '^src/(?:config|load)/' },
      to: { path: '^src/rule-api/', dependencyTypesNot: ['type-only'] },
    },
    // DESIGN.md: every command starts at src/load; nothing else calls preprocess or buildTree. A
    // `warn` while src/load is written: switch both to `error` once the commands use it.
    {
      name: 'commands-load-through-src-load',
      comment:
        'commands load through src/load only: no direct preprocess (its Token/Origin types are to move below it)',
      severity: 'error',
      from: { path: '^src/(?:cli|cluster|diff|keepalived|engine|graph|simulate|lsp)/' },
      to: { path: '^src/preprocess/' },
    },
    {
      name: 'commands-build-no-tree',
      comment: 'commands load through src/load only: no buildTree (or other tree code); the tree types are fine',
      severity: 'error',
      from: { path: '^src/(?:cli|cluster|diff|keepalived|engine|graph|simulate|lsp)/' },
      to: { path: '^src/tree/', dependencyTypesNot: ['type-only'] },
    },
    ...withPending({
      name: 'no-circular',
      comment: 'an import circle (type-only imports count): move what both sides need into a module below them',
      from: ['src/', 'rules/', 'bin/', 'scripts/'],
      to: { circular: true },
    }),
    {
      name: 'no-orphans',
      comment: 'a module nothing imports and that imports nothing: remove it or use it',
      severity: 'error',
      from: { orphan: true, pathNot: ['\\.d\\.(?:c|m)?ts$', '^bin/', '^scripts/'] },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'an import that resolves to no file: a missing package, a typo, or an ungenerated grammar (npm run generate)',
      severity: 'error',
      from: {},
      // bin/ loads the build output (dist/, made by `npm run build`); it need not exist to check the source.
      to: { couldNotResolve: true, pathNot: '^\\.\\./dist/' },
    },
    {
      name: 'no-non-package-json',
      comment: 'a package that is not in package.json: add it (to dependencies if the shipped code imports it)',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'shipped code (src, rules, bin) imports a devDependency: it is not installed for users',
      severity: 'error',
      from: { path: '^(?:src|rules|bin)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: ['node_modules', '^dist/'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
