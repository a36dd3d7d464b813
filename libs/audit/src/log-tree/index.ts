export * from './tree-ranges';
export * from './tree-proofs';
export * from './memory-log-tree';
export * from './signed-note';
export * from './checkpoint-note';
export * from './log-evidence';
