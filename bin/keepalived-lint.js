#!/usr/bin/env node
// The only place that touches process globals; everything else is main(argv, io).
//
// First the Node.js version, before anything else loads: on an older Node the bundle fails in odd
// places (require() of an ES module, a ~SEQ line away). So this file parses on old releases too: no
// static import, no top-level await, no syntax newer than Node 12's. CommonJS (bin/package.json).
var NEEDED = [20, 19];
var version = process.versions.node;
var parts = version.split('.').map(Number);
if (parts[0] < NEEDED[0] || (parts[0] === NEEDED[0] && parts[1] < NEEDED[1])) {
  process.stderr.write('keepalived-lint needs Node.js >= ' + NEEDED.join('.') + '; this is ' + version + '\n');
  process.exitCode = 2;
} else {
  try {
    require('./run.js').run().catch(cannotStart);
  } catch (e) {
    cannotStart(e);
  }
}

function cannotStart(e) {
  process.stderr.write('keepalived-lint: cannot start: ' + (e instanceof Error ? e.message : String(e)) + '\n');
  process.exitCode = 2;
}
