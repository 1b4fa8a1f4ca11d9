export * from './client';
export * from './case-record';
export * from './password';
export * from './reference-data';
export { Prisma } from './generated/client';
export type { Case, Task, TaskAssignee, CaseEvent, OrgUnit, User, Membership } from './generated/client';
export * from './reference-cache';
