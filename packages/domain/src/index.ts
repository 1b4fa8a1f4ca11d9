export * from './calendar';
export * from './roles';
export * from './org-tree';
export * from './policy';
export * from './schedule';
export * from './case-types';
export * from './secretary-replacement';
export * from './joint-meeting';
