export * from './errors';
export * from './schemas';
export * from './auth';
export * from './access';
export * from './build-service';
export * from './run-service';
export * from './temporal-errors';
export * from './case-view';
