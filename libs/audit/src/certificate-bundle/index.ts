export * from './certificate-bundle';
export * from './verify-certificate-bundle';
