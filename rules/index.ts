/** Every rule, sorted by id. A meta test checks this list against the files, fixtures and docs. */
import type { Rule, RuleMeta } from '../src/rule-api/index.js';
import type { ClusterRule } from '../src/cluster/types.js';
import { rule as advertIntVersion } from './advert-int-version.js';
import { rule as authPassTruncated } from './auth-pass-truncated.js';
import { rule as budgetExceeded } from './budget-exceeded.js';
import { rule as clusterAdvertMismatch } from './cluster-advert-mismatch.js';
import { rule as clusterMissingPeer } from './cluster-missing-peer.js';
import { rule as clusterPriority } from './cluster-priority.js';
import { rule as clusterUnicastPeers } from './cluster-unicast-peers.js';
import { rule as clusterVipMismatch } from './cluster-vip-mismatch.js';
import { rule as clusterVridCollision } from './cluster-vrid-collision.js';
import { rule as deprecatedKeyword } from './deprecated-keyword.js';
import { rule as duplicateKeyword } from './duplicate-keyword.js';
import { rule as duplicateName } from './duplicate-name.js';
import { rule as duplicateVrid } from './duplicate-vrid.js';
import { rule as ignoredSetting } from './ignored-setting.js';
import { rule as includeLoop } from './include-loop.js';
import { rule as includeNotFound } from './include-not-found.js';
import { rule as invalidValue } from './invalid-value.js';
import { rule as keywordShellInjection } from './keyword-shell-injection.js';
import { rule as lexingVersion } from './lexing-version.js';
import { rule as lintDirective } from './lint-directive.js';
import { rule as missingRequired } from './missing-required.js';
import { rule as mixedAddressFamily } from './mixed-address-family.js';
import { rule as nopreemptMaster } from './nopreempt-master.js';
import { rule as routeWithoutInterface } from './route-without-interface.js';
import { rule as scriptInsecure } from './script-insecure.js';
import { rule as scriptInterfaceName } from './script-interface-name.js';
import { rule as scriptNameArgument } from './script-name-argument.js';
import { rule as scriptNameNotPassed } from './script-name-not-passed.js';
import { rule as scriptNotExecutable } from './script-not-executable.js';
import { rule as scriptNotFound } from './script-not-found.js';
import { rule as scriptSecurityDisabled } from './script-security-disabled.js';
import { rule as scriptShellSyntax } from './script-shell-syntax.js';
import { rule as scriptUnhandledInstance } from './script-unhandled-instance.js';
import { rule as scriptUnknownName } from './script-unknown-name.js';
import { rule as scriptUnquotedArguments } from './script-unquoted-arguments.js';
import { rule as strictModeConflict } from './strict-mode-conflict.js';
import { rule as syntaxError } from './syntax-error.js';
import { rule as undefinedReference } from './undefined-reference.js';
import { rule as unicastWithoutPeers } from './unicast-without-peers.js';
import { rule as unknownKeyword } from './unknown-keyword.js';
import { rule as unusedDefinition } from './unused-definition.js';
import { rule as vrrp3Authentication } from './vrrp3-authentication.js';

export const rules: Rule[] = [
  advertIntVersion,
  authPassTruncated,
  budgetExceeded,
  deprecatedKeyword,
  duplicateKeyword,
  duplicateName,
  duplicateVrid,
  ignoredSetting,
  includeLoop,
  includeNotFound,
  invalidValue,
  keywordShellInjection,
  lexingVersion,
  lintDirective,
  missingRequired,
  mixedAddressFamily,
  nopreemptMaster,
  routeWithoutInterface,
  scriptInsecure,
  scriptInterfaceName,
  scriptNameArgument,
  scriptNameNotPassed,
  scriptNotExecutable,
  scriptNotFound,
  scriptSecurityDisabled,
  scriptShellSyntax,
  scriptUnhandledInstance,
  scriptUnknownName,
  scriptUnquotedArguments,
  strictModeConflict,
  syntaxError,
  undefinedReference,
  unicastWithoutPeers,
  unknownKeyword,
  unusedDefinition,
  vrrp3Authentication,
];

/** Rules over several nodes at once (`keepalived-lint cluster`, `lint --cluster`), sorted by id. */
export const clusterRules: ClusterRule[] = [
  clusterAdvertMismatch,
  clusterMissingPeer,
  clusterPriority,
  clusterUnicastPeers,
  clusterVipMismatch,
  clusterVridCollision,
];

/** Both kinds, sorted by id: what the configuration file, `rules` and the README table know. */
export const allRules: readonly { meta: RuleMeta }[] = [...rules, ...clusterRules].sort((a, b) =>
  a.meta.id < b.meta.id ? -1 : 1,
);
