export * from './energy-certificate.entity';
export * from './energy-certificate-read-models.migration';
export * from './energy-certificate.projections';
