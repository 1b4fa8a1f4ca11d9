/**
 * Steps whose tasks an official may approve several at once (批量同意): the approval needs nothing
 * but an optional opinion, so one comment serves every task. Keys are "<case type>.<step key>".
 */
export const bulkApprovableSteps: ReadonlySet<string> = new Set([
  'request-report.township-review',
  'request-report.county-decision',
]);

export function isBulkApprovable(caseType: string, stepKey: string): boolean {
  return bulkApprovableSteps.has(`${caseType}.${stepKey}`);
}
