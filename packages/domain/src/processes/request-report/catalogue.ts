import { defineProcess } from '../catalogue';

/** 请示报告审批 (domain.md §0): a branch asks, the township reviews, the county decides what is forwarded. */
export const requestReportCatalogue = defineProcess({
  type: 'request-report',
  name: '请示报告审批',
  workflowType: 'requestReport',
  start: { roles: ['branch_secretary'], orgTypes: ['branch'], form: 'request-report.submission' },
  stages: { 'township-review': '乡镇党委审核', revise: '修改后重新提交', 'county-decision': '县委组织部审批' },
  steps: {
    'township-review': { name: '乡镇党委审核', duration: { workingDays: 5 }, form: 'review.opinion' },
    revise: { name: '修改后重新提交', duration: { workingDays: 10 }, form: 'request-report.submission' },
    'county-decision': { name: '县委组织部审批', duration: { workingDays: 5 }, form: 'review.opinion' },
  },
});
