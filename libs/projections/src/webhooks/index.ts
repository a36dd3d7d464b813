export * from './webhook.entities';
export * from './webhook-read-models.migration';
export * from './webhook-notices';
export * from './webhook.projection';
