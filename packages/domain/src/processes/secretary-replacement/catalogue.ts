import { defineProcess } from '../catalogue';
import { secretaryPolicyDefaults } from './rules';

/** 村党组织书记选配 (domain.md §1): the whole replacement within 3 months, step limits are local policy. */
export const secretaryReplacementCatalogue = defineProcess({
  type: 'secretary-replacement',
  name: '村党组织书记选配',
  workflowType: 'secretaryReplacement',
  start: { roles: ['township_org_member', 'township_secretary'], orgTypes: ['branch'], starterOrgType: 'township', form: 'secretary.open' },
  stages: {
    'propose-candidates': '提出人选',
    'joint-review': '县级联审',
    interview: '考察谈话',
    'township-decision': '乡镇党委研究决定',
    'county-filing': '县委组织部备案',
    'public-notice': '任前公示期',
    election: '选举',
    approval: '上级党组织批准',
    appointment: '任命',
  },
  steps: {
    propose: { name: '提出人选', duration: { workingDays: 10 }, form: 'secretary.candidates' },
    'joint-review': { name: '县级联审', duration: { workingDays: 5 }, form: 'secretary.joint-review' },
    interview: { name: '考察谈话', duration: { workingDays: 10 }, form: 'secretary.interview' },
    'township-decision': { name: '乡镇党委研究决定', duration: { workingDays: 5 }, form: 'meeting.committee-decision', source: '党章第十七条（党委会集体决定）' },
    'county-filing': { name: '县委组织部备案', duration: { workingDays: 5 }, form: 'secretary.decision' },
    'public-notice': { name: '任前公示期', duration: { workingDays: 5 } },
    'verify-objection': { name: '异议核实', duration: { workingDays: 5 }, form: 'objection.verification' },
    election: { name: '选举', duration: { workingDays: 10 }, form: 'secretary.election' },
    // From the patch election-rules (issue 14 point 3); limits are local defaults (no text fixes them), within the case's 3 months.
    'by-election': { name: '党员大会补选支部委员', duration: { workingDays: 10 }, form: 'secretary.general-meeting-election', source: '支部工作条例 第六章（党员大会选举支部委员、空缺及时补选）；选举工作条例（五分之四到会，过半当选）' },
    'committee-election': { name: '支部委员会选举书记', duration: { workingDays: 5 }, form: 'secretary.committee-election', source: '支部工作条例 第六章（书记一般由支部委员会会议选举产生）、第十二条' },
    'general-meeting-election': { name: '党员大会选举书记', duration: { workingDays: 10 }, form: 'secretary.general-meeting-election', source: '支部工作条例 第六章（不设委员会的党支部书记由党员大会选举产生）；选举工作条例' },
    approval: { name: '上级党组织批准', duration: { workingDays: 10 }, form: 'secretary.approval-meeting', source: '党章第三十条（书记选举产生后报上级党组织批准）、第十七条（党委会集体决定）' },
    appointment: { name: '任命', duration: { workingDays: 5 }, form: 'secretary.appointment-meeting', source: '党章第十七条（党委会集体决定）' },
  },
  stepNames: { 'propose-candidates': '提出人选' },
  policies: secretaryPolicyDefaults,
});
