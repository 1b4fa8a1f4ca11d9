import { defineProcess } from '../catalogue';

/** 党建联席会议 (domain.md §3): quarterly cycles started by a Schedule; step limits are local policy. */
export const jointMeetingCatalogue = defineProcess({
  type: 'joint-meeting',
  name: '党建联席会议（季度）',
  workflowType: 'jointMeetingCycle',
  stages: { collect: '议题征集', review: '议题审定', notify: '会议通知', record: '会议记录', publish: '通报', 'no-meeting': '未召开会议督办' },
  steps: {
    collect: { name: '议题征集', duration: { workingDays: 10 }, form: 'joint.agenda-submission' },
    review: { name: '议题审定', duration: { workingDays: 5 }, form: 'joint.agenda-review' },
    record: { name: '会议记录', duration: { workingDays: 10 }, form: 'joint.meeting-record' },
    'missing-submission': { name: '未报议题督办', duration: { workingDays: 5 }, form: 'review.opinion' },
    'no-meeting': { name: '未召开会议督办', duration: { workingDays: 5 }, form: 'review.opinion' },
    'extraordinary-review': { name: '临时会议审定', duration: { workingDays: 3 }, form: 'joint.agenda-review' },
    'decision-report': { name: '议定事项办结报告', duration: { workingDays: 20 }, form: 'joint.decision-report' },
    'decision-confirm': { name: '议定事项确认', duration: { workingDays: 5 }, form: 'review.opinion' },
    'public-notice': { name: '通报公示', duration: { workingDays: 5 } },
  },
  stepNames: { notify: '会议通知', publish: '通报' },
});

/** A 临时会议 requested by a member unit; its steps use the quarterly cycle's policies. */
export const jointMeetingExtraordinaryCatalogue = defineProcess({
  type: 'joint-meeting-extraordinary',
  name: '党建联席会议（临时会议）',
  workflowType: 'jointMeetingExtraordinary',
  stages: { 'extraordinary-review': '临时会议审定', notify: '会议通知', record: '会议记录', publish: '通报' },
  steps: {},
  stepNames: { 'extraordinary-review': '临时会议审定', notify: '会议通知', record: '会议记录', publish: '通报' },
});

/** Each decision of a meeting supervised to completion; its steps use the quarterly cycle's policies. */
export const jointMeetingDecisionCatalogue = defineProcess({
  type: 'joint-meeting-decision',
  name: '联席会议议定事项督办',
  workflowType: 'jointMeetingDecision',
  stages: { report: '办结报告', confirm: '秘书确认' },
  steps: {},
  stepNames: { report: '办结报告', confirm: '秘书确认' },
});
