export { buildBundle } from './build-bundle';
export type { BuildBundleInput } from './build-bundle';
export type {
  BundleCheckpointLine,
  BundledEvent,
  BundleEventLine,
  BundleProof,
} from './bundle-lines';
export { bundledEventOf } from './bundle-lines';
export { formatBundleVerification } from './format-verification';
export { BUNDLE_FORMAT, SUPERSEDED_BUNDLE_FORMATS } from './header';
export type { BundleHeader } from './header';
export type { BundleContents } from './header-contents';
export type { BundleFailure, BundleFailureKind, BundleVerification } from './verification';
export { verifyBundle } from './verify-bundle';
