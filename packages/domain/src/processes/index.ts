/** Every process of the system: registering a process's catalogue is one line here. */
import type { ProcessCatalogue } from './catalogue';
import { requestReportCatalogue } from './request-report/catalogue';
import { secretaryReplacementCatalogue } from './secretary-replacement/catalogue';
import { memberDevelopmentCatalogue } from './member-development/catalogue';
import { jointMeetingCatalogue, jointMeetingDecisionCatalogue, jointMeetingExtraordinaryCatalogue } from './joint-meeting/catalogue';

export const processCatalogues: readonly ProcessCatalogue[] = [
  requestReportCatalogue,
  secretaryReplacementCatalogue,
  memberDevelopmentCatalogue,
  jointMeetingCatalogue,
  jointMeetingExtraordinaryCatalogue,
  jointMeetingDecisionCatalogue,
];

export { defineProcess, type CatalogueStart, type CatalogueStep, type ProcessCatalogue } from './catalogue';
export * from './secretary-replacement/rules';
export * from './secretary-replacement/election';
export * from './member-development/rules';
export * from './joint-meeting/rules';
export { requestReportCatalogue, secretaryReplacementCatalogue, memberDevelopmentCatalogue, jointMeetingCatalogue, jointMeetingExtraordinaryCatalogue, jointMeetingDecisionCatalogue };
