export * from './wire';
export * from './errors';
export * from './rest';
export * from './events';
export * from './metric-catalogue';
