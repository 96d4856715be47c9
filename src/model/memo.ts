/**
 * Models computed once per tree (per pass) however many rules ask: with 30 rules, re-deriving the
 * instance settings or the reference index in each made a 10,000-instance lint spend most of its
 * time rebuilding the same arrays. Callers must treat the result as read-only.
 * Example: const settings = perTree((tree) => expensive(tree)); settings(t) === settings(t).
 */
import { eachOfTree, type ConfigTree, type Statement } from '../tree/index.js';

export function perTree<T>(derive: (tree: ConfigTree) => T): (tree: ConfigTree) => T {
  return memoized(derive);
}

/** `derive` computed once per key object (kept as long as the key lives). */
function memoized<K extends object, T>(derive: (key: K) => T): (key: K) => T {
  const cache = new WeakMap<K, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      v = derive(key);
      cache.set(key, v);
    }
    return v;
  };
}

/** The keywords of the top-level statements. */
export const topKeywords = perTree((tree) => new Set(tree.top.map((s) => s.keyword.text)));

/**
 * Models of one statement, computed once however many passes share it (the passes of a config
 * read once for all share the statements no `@id` line touches: src/tree passTree). Only for what
 * the statement and its block alone decide. A tree that shares no statement (ConfigTree.shared
 * unset: one pass) computes them as asked, without keeping an entry per statement (10,000
 * instances: 33,000). Example: perStatement((st) => parse(st))(st, tree).
 */
export function perStatement<T>(derive: (st: Statement) => T): (st: Statement, tree: ConfigTree) => T {
  const memo = memoized(derive);
  return (st, tree) => (tree.shared ? memo(st) : derive(st));
}

/**
 * `f` for every statement of `tree` in tree order (that of ConfigTree.all), with its index there:
 * a pass tree's runs as they are, a one-pass tree's blocks walked (no list of them all is made).
 */
export function forEachStatement(tree: ConfigTree, f: (st: Statement, index: number) => void): void {
  eachOfTree(tree, f);
}
