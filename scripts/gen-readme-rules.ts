// Rewrites the rules table in README.md from the rule metadata: `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { allRules } from '../rules/index.js';
import { replaceRulesTable } from '../src/format/rules-table.js';

const readme = readFileSync('README.md', 'utf8');
writeFileSync('README.md', replaceRulesTable(readme, allRules));
