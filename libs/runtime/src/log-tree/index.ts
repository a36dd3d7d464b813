export * from './log-tree.store';
export * from './log-tree-inclusion.prover';
