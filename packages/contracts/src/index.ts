export * from './errors';
export * from './forms';
export * from './tasks';
