/** Every rule, sorted by id. A meta test checks this list against the files, fixtures and docs. */
import type { Rule } from '../src/engine/types.js';
import { rule as deprecatedKeyword } from './deprecated-keyword.js';
import { rule as includeLoop } from './include-loop.js';
import { rule as includeNotFound } from './include-not-found.js';
import { rule as invalidValue } from './invalid-value.js';
import { rule as mixedAddressFamily } from './mixed-address-family.js';
import { rule as syntaxError } from './syntax-error.js';
import { rule as unknownKeyword } from './unknown-keyword.js';

export const rules: Rule[] = [deprecatedKeyword, includeLoop, includeNotFound, invalidValue, mixedAddressFamily, syntaxError, unknownKeyword];
