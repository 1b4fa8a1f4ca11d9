export * from './errors';
export * from './forms';
export * from './tasks';
export * from './secretary-forms';
export * from './form-registry';
export * from './member-forms';
export * from './joint-meeting-forms';
