/**
 * 发展党员 "双推双评三全程" — one case per applicant, from the application to full membership
 * (domain.md §2). Five stages; every step is a human step with a due date, reminders and 督办, including
 * the national time limits in calendar months (1-month talk, 6-monthly evaluations over at least a year,
 * 3-month approval, 1-year probation). Votes are entered as counts and decided by @dj/domain.
 * A failed vote repeats that vote; a rejection or a substantiated objection sends the case back to the
 * start of its stage; a failed political review, a failed admission vote or a refused approval ends the
 * case with the reason. With a second organization (两地管理) every notice and evaluation happens in both.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import type {
  MemberApprovalForm,
  MemberBranchMeetingForm,
  MemberEvaluationForm,
  MemberFullMeetingForm,
  MemberMassRecommendationForm,
  MemberOathForm,
  MemberPeopleForm,
  MemberPoliticalReviewForm,
  MemberTalkForm,
  MemberTrainingForm,
  MemberVoteForm,
  TaskAction,
} from '@dj/contracts';
import {
  approvalExtensionErrors,
  checkBranchMeeting,
  checkVote,
  concentratedTrainingErrors,
  defaultEvaluationThreshold,
  defaultRecommendationThreshold,
  extendedProbationEnd,
  extensionErrors,
  fullMembershipProposalLabels,
  isVoteThreshold,
  massOrganizationErrors,
  oathDateErrors,
  probationPeriod,
  trainingEvaluationIntervalMonths,
  trainingEvaluationsBeforeTarget,
  type VoteThreshold,
} from '@dj/domain';
import type { MemberDevelopmentInput } from '@dj/process-api';
import { CaseRuntime, caseActivities, refuse, type HumanStepSpec } from '../../human-step/case-runtime';
import type { MemberActivities, Person } from '../../human-step/activity-types';
import { publicNotice, receiveObjections } from '../../human-step/public-notice';

/** Patch: 支委会 and 上级党委 decisions are recorded as the body's meeting (issue 14). */
const COLLECTIVE_DECISIONS = 'collective-decisions';
/** Patch: a filing (备案) acknowledges or returns for correction; it no longer sends the stage back (issue 14). */
const FILING_ACKNOWLEDGES = 'filing-acknowledges';
/** Patch: the probation (and its extension) is counted from the admitting 支部大会, not from the filing (issue 14). */
const PROBATION_FROM_MEETING = 'probation-from-meeting';
/**
 * Patch: a step that may only be done from a date (the 6-monthly evaluations, the 转正 assessment) opens at
 * that date and falls due after a window set by policy, instead of opening at once and being refused as
 * too early until it was already overdue (issue 16 point 6).
 */
const DATED_STEPS_OPEN_AT_THEIR_DATE = 'dated-steps-open-at-their-date';
/** Patch: after the approval and its filing, the branch records the oath (入党宣誓) and the 党小组 the new member joins (issue 14). */
const OATH_AND_GROUP = 'member-development-oath-and-group';
/** Patch: the case writes the member into the roster at 编入 (issue 14), … */
const ROSTER_ENTRY = 'member-development-roster-entry';
/** … and the 转正 date (or the membership's end when the probation is cancelled) when the superior committee decides. */
const ROSTER_PROBATION_END = 'member-development-roster-probation-end';

const member = caseActivities<MemberActivities>();

type Outcome = { status: 'completed' | 'rejected'; result: Record<string, unknown>; actor?: Person | undefined };
type Org = { id: string; name: string; suffix: string };
/** A branch meeting whose decision goes to the superior committee: the date typed in and the instant it was recorded (epoch ms). */
type MeetingAnchor = { meetingDate: string; recordedAt: number };
type ApprovalLimit = { dueAt: number; months: number };
type ApprovalClock = { meetingAt: MeetingAnchor; first: ApprovalLimit } | undefined;

const BRANCH_SECRETARY = 'branch_secretary';
const ORG_MEMBER = 'township_org_member';
const DECIDE: TaskAction[] = ['approve', 'reject', 'transfer', 'comment', 'claim', 'urge', 'cc'];
const RECORD: TaskAction[] = ['approve', 'transfer', 'comment', 'claim', 'urge', 'cc'];
/** 上级党委备案: acknowledged (同意) or returned for correction with a reason (退回), never vetoed. */
const FILE: TaskAction[] = ['approve', 'return', 'transfer', 'comment', 'claim', 'urge', 'cc'];
/** The calendar date of an instant in China (UTC+8, no daylight saving), e.g. 2027-06-01. */
const chinaDate = (at: number) => new Date(at + 8 * 3600_000).toISOString().slice(0, 10);
const TOO_EARLY = (until: number) => [`未到时间，${new Date(until).toISOString()} 后方可办理 (not before ${new Date(until).toISOString()})`];

export async function memberDevelopment(input: MemberDevelopmentInput) {
  const { caseId, branchId, townshipId, countyId, applicant } = input;
  const name = applicant.name;
  const rt = new CaseRuntime({ caseId, initiator: input.initiator, stage: 'application' });
  const filed = receiveObjections();
  // 终止: the branch or the township ends the case with a reason (e.g. the applicant withdrew, moved away).
  rt.registerCaseAction('terminate', {
    validate: (req) => {
      const may = req.actor.memberships.some((m) => (m.orgId === branchId && m.role === BRANCH_SECRETARY) || (m.orgId === townshipId && (m.role === ORG_MEMBER || m.role === 'township_secretary')));
      if (!may) refuse('FORBIDDEN');
      if (!req.comment?.trim()) refuse('COMMENT_REQUIRED');
    },
    handle: (req) => rt.endEarly('cancelled', req),
  });

  await rt.open({
    workflowId: workflowInfo().workflowId,
    type: 'member-development',
    orgId: branchId,
    title: `发展党员：${name}（${input.branchName}）`,
    input: { applicant, second: input.second ?? null },
  });
  const policies = await member.loadMemberPolicies();
  const recommendation: VoteThreshold = isVoteThreshold(policies.recommendation) ? policies.recommendation : defaultRecommendationThreshold;
  const evaluation: VoteThreshold = isVoteThreshold(policies.evaluation) ? policies.evaluation : defaultEvaluationThreshold;

  const home: Org = { id: branchId, name: input.branchName, suffix: '' };
  const orgs: Org[] = input.second ? [home, { id: input.second.orgId, name: input.second.orgName, suffix: '-second' }] : [home];
  const branch = (org: Org = home) => [{ orgId: org.id, role: BRANCH_SECRETARY }];
  const township = [{ orgId: townshipId, role: ORG_MEMBER }];
  const step = (spec: Omit<HumanStepSpec, 'actions'> & { actions?: TaskAction[] }) => rt.humanStep({ actions: RECORD, ...spec });
  const sendBack = (from: string, reason: string | undefined, actor?: Person) => rt.recordEvent('case.sent-back', { from, reason: reason ?? null }, actor);
  const now = () => Date.now();

  /** A decision (approve / reject) of a committee or a filing; true when approved, a rejection goes on the record. */
  async function decide(key: string, title: string, orgId: string, assignees: HumanStepSpec['assignees'], policy: string): Promise<boolean> {
    // A 支委会 decides in its recorded meeting (issue 14); steps opened before this change keep the plain form.
    const form = policy === 'member-development.committee' && patched(COLLECTIVE_DECISIONS) ? 'meeting.committee-decision' : 'member.decision';
    const d = await step({ key, title, orgId, assignees, form, actions: DECIDE, policy });
    if (d.outcome === 'approve') return true;
    await sendBack(key, d.comment, d.actor);
    return false;
  }

  /**
   * 上级党委备案 of the activist or development target (domain.md §2: a filing acknowledges or returns with a
   * reason; it does not veto): returned, the branch corrects and files again; the stage is not restarted.
   * Cases that opened the filing before this change keep the old decision (a rejection sends the stage back).
   */
  async function fileWithSuperior(key: string, title: string): Promise<boolean> {
    if (!patched(FILING_ACKNOWLEDGES)) return decide(key, title, townshipId, township, 'member-development.filing');
    for (;;) {
      const d = await step({ key, title, orgId: townshipId, assignees: township, form: 'member.decision', actions: FILE, policy: 'member-development.filing' });
      if (d.outcome === 'approve') return true;
      await rt.recordEvent('filing.returned', { step: key, reason: d.comment ?? null }, d.actor);
      await step({ key: `${key}-correction`, title: `按备案意见补正后重新报备：${name}`, orgId: branchId, assignees: branch(), form: 'member.decision', policy: 'member-development.filing' });
    }
  }

  /** 党员推荐 / 群众评议 / 党员评议 in one organization: repeated until it passes, every count on the record. */
  async function voteUntilPassed(key: string, title: string, org: Org, threshold: VoteThreshold): Promise<void> {
    for (;;) {
      const d = await step({
        key: key + org.suffix,
        title: org.suffix ? `${title}（${org.name}）` : title,
        orgId: org.id,
        assignees: branch(org),
        form: 'member.vote',
        policy: key.endsWith('recommendation') ? 'member-development.recommendation' : 'member-development.evaluation',
        checkForm: (form) => checkVote(form as unknown as MemberVoteForm, threshold).errors,
      });
      const votes = d.form as MemberVoteForm;
      const check = checkVote(votes, threshold);
      await rt.recordEvent('vote.counted', { step: key, orgId: org.id, votes, threshold, passed: check.passed }, d.actor);
      if (check.passed) return;
    }
  }

  async function massRecommendation(): Promise<void> {
    for (;;) {
      const d = await step({
        key: 'mass-recommendation',
        title: `群团组织推优：${name}`,
        orgId: branchId,
        assignees: branch(),
        form: 'member.mass-recommendation',
        policy: 'member-development.recommendation',
        checkForm: (form) => {
          const f = form as MemberMassRecommendationForm;
          return massOrganizationErrors(f.organization, applicant.birthDate, f.date);
        },
      });
      const f = d.form as MemberMassRecommendationForm;
      await rt.recordEvent('mass-recommendation.recorded', { organization: f.organization, recommended: f.recommended, date: f.date, document: f.document }, d.actor);
      if (f.recommended) return;
    }
  }

  async function notice(key: string, round: number, title: string, body: string): Promise<boolean> {
    // 全程公示 (两地公示 when dual-managed): one notice on the board of every organization managing the applicant.
    const r = await publicNotice(rt, filed, {
      notices: orgs.map((o) => ({ orgId: o.id, idemKey: `${caseId}:${key}:${round}:${o.id}` })),
      title,
      body,
      noticePolicy: 'member-development.public-notice',
      verifier: { orgId: townshipId, role: ORG_MEMBER },
      verify: { title: `核实公示异议：${title}`, policy: 'member-development.verify-objection' },
    });
    if (r === 'passed') return true;
    await sendBack(key, '公示异议经核实属实 / an objection to the notice was substantiated');
    return false;
  }

  async function assignPeople(key: string, title: string): Promise<Person[]> {
    for (;;) {
      const d = await step({ key, title, orgId: branchId, assignees: branch(), form: 'member.people', policy: 'member-development.assign' });
      const people = await member.resolvePeople({ userIds: (d.form as MemberPeopleForm).userIds });
      if (people) {
        await rt.recordEvent(`${key}.assigned`, { people }, d.actor);
        return people;
      }
      await rt.recordEvent(`${key}.invalid`, { reason: '人员不存在或重复 / unknown or duplicate people' }, d.actor);
    }
  }

  /** The approval's due date from the branch meeting (3 months, extended 6), on the record. */
  async function approvalLimit(key: string, meetingAt: MeetingAnchor, extended: boolean): Promise<ApprovalLimit> {
    const limit = await member.approvalDueAt({ ...meetingAt, extended });
    await rt.recordEvent('approval.due', {
      step: key,
      meetingDate: meetingAt.meetingDate,
      recordedAt: new Date(meetingAt.recordedAt).toISOString(),
      anchor: limit.anchor,
      months: limit.months,
      dueAt: new Date(limit.dueAt).toISOString(),
    });
    return limit;
  }

  /**
   * The approval's clock from the branch meeting, with the first round's limit (computed before the approval
   * opens, so it opens together with a parallel talk). Undefined for cases that reached the approval before
   * this patch: they keep the old month policies counted from each round's opening (3, then 3 more).
   */
  async function approvalClock(key: string, meetingAt: MeetingAnchor): Promise<ApprovalClock> {
    if (!patched('member-development-approval-due-from-meeting')) return undefined;
    return { meetingAt, first: await approvalLimit(key, meetingAt, false) };
  }

  /** 上级党委审批 within 3 months of the branch meeting; 'extend-time' once, to 6 months from the meeting (never beyond); reject ends or sends back as the caller decides. */
  async function superiorApproval(key: string, title: string, ready: () => boolean, clock: ApprovalClock): Promise<{ approved: boolean; comment?: string | undefined; actor: Person }> {
    let extended = false;
    let limit = clock?.first;
    for (;;) {
      const d = await step({
        key,
        title,
        orgId: townshipId,
        assignees: [{ orgId: townshipId, role: 'township_secretary' }],
        // 上级党委审批 is a 党委会 decision, recorded as its meeting (issue 14; rounds opened before keep the plain form).
        form: patched(COLLECTIVE_DECISIONS) ? 'member.approval-meeting' : 'member.approval',
        actions: DECIDE,
        policy: extended && !clock ? 'member-development.superior-approval-extension' : 'member-development.superior-approval',
        ...(limit ? { dueAt: limit.dueAt, durationMonths: limit.months } : {}),
        checkForm: (form) => {
          if (!ready()) return ['须先完成上级党委谈话 (the superior committee talk comes first)'];
          return (form as MemberApprovalForm).decision === 'extend-time' ? approvalExtensionErrors(extended) : [];
        },
      });
      if (d.outcome !== 'approve') return { approved: false, comment: d.comment, actor: d.actor };
      if ((d.form as MemberApprovalForm).decision === 'approve') return { approved: true, actor: d.actor };
      extended = true;
      await rt.recordEvent('approval.time-extended', { step: key, opinion: (d.form as MemberApprovalForm).opinion ?? null }, d.actor);
      if (clock) limit = await approvalLimit(key, clock.meetingAt, true);
    }
  }

  return rt.run(async (): Promise<Outcome> => {
    // 1. 入党申请: the branch talks with the applicant within a month.
    const talk = await step({ key: 'talk', title: `派人与申请人谈话：${name}`, orgId: branchId, assignees: branch(), form: 'member.talk', policy: 'member-development.talk' });
    await rt.recordEvent('talk.recorded', { ...(talk.form as MemberTalkForm) }, talk.actor);

    // 2. 入党积极分子: 双推 → 支委会 → 公示 → 备案 → 培养联系人 → at least a year of training.
    for (let round = 1; ; round++) {
      rt.setStage('activist');
      await rt.inParallel([() => voteUntilPassed('members-recommendation', `党员推荐入党积极分子：${name}`, home, recommendation), massRecommendation]);
      if (!(await decide('activist-committee', `支委会研究确定入党积极分子：${name}`, branchId, branch(), 'member-development.committee'))) continue;
      if (!(await notice('activist-notice', round, `${name}确定为入党积极分子公示`, `经党员推荐和群团组织推优，支委会研究，拟确定${name}为入党积极分子，现予公示。如有异议，请在公示期内实名反映。`))) continue;
      if (!(await fileWithSuperior('activist-filing', `上级党委备案（入党积极分子）：${name}`))) continue;
      break;
    }
    const contacts = await assignPeople('assign-contacts', `确定培养联系人：${name}`);
    const trainingStart = now();
    for (let i = 1; i <= trainingEvaluationsBeforeTarget; i++) {
      // Each written evaluation is due 6 months into its period and cannot be given before (so training lasts at least a year).
      const notBefore = await member.instantAfterMonths({ from: trainingStart, months: i * trainingEvaluationIntervalMonths });
      const dated = patched(DATED_STEPS_OPEN_AT_THEIR_DATE);
      if (dated) {
        await rt.recordEvent('step.scheduled', { step: 'training-evaluation', period: i, title: `培养联系人考察（第${i}次）于 ${chinaDate(notBefore)} 开启`, opensAt: new Date(notBefore).toISOString() });
        await rt.waitUntil(notBefore);
      }
      const d = await step({
        key: 'training-evaluation',
        title: `培养联系人考察（第${i}次）：${name}`,
        orgId: branchId,
        mode: 'all',
        assignees: contacts.map((c) => ({ userId: c.userId, displayName: c.name })),
        form: 'member.evaluation',
        policy: dated ? 'member-development.training-evaluation-window' : 'member-development.training-evaluation',
        checkForm: () => (now() < notBefore ? TOO_EARLY(notBefore) : []),
      });
      await rt.recordEvent('training.evaluated', { period: i, evaluation: (d.form as MemberEvaluationForm).evaluation }, d.actor);
    }

    // 3. 发展对象: 双评 (in both places) → 支委会 → 公示 → 备案 → 入党介绍人 → 政治审查 → 集中培训.
    for (let round = 1; ; round++) {
      rt.setStage('development-target');
      await rt.inParallel(
        orgs.flatMap((org) => [
          () => voteUntilPassed('masses-evaluation', `群众评议：${name}`, org, evaluation),
          () => voteUntilPassed('members-evaluation', `党员评议：${name}`, org, evaluation),
        ]),
      );
      if (!(await decide('target-committee', `支委会研究确定发展对象：${name}`, branchId, branch(), 'member-development.committee'))) continue;
      if (!(await notice('target-notice', round, `${name}确定为发展对象公示`, `经群众评议和党员评议，支委会研究，拟确定${name}为发展对象，现予公示。如有异议，请在公示期内实名反映。`))) continue;
      if (!(await fileWithSuperior('target-filing', `上级党委备案（发展对象）：${name}`))) continue;
      break;
    }
    const introducers = await assignPeople('assign-introducers', `确定入党介绍人：${name}`);
    const review = await step({ key: 'political-review', title: `政治审查：${name}`, orgId: townshipId, assignees: township, form: 'member.political-review', policy: 'member-development.political-review' });
    const reviewForm = review.form as MemberPoliticalReviewForm;
    await rt.recordEvent('political-review.concluded', { ...reviewForm }, review.actor);
    if (!reviewForm.passed) return { status: 'rejected', result: { reason: 'political-review', summary: reviewForm.summary }, actor: review.actor };
    const training = await step({
      key: 'concentrated-training',
      title: `集中培训：${name}`,
      orgId: townshipId,
      assignees: township,
      form: 'member.training',
      policy: 'member-development.concentrated-training',
      checkForm: (form) => concentratedTrainingErrors(form as unknown as MemberTrainingForm),
    });
    await rt.recordEvent('training.concentrated', { ...(training.form as MemberTrainingForm) }, training.actor);

    // 4. 接收预备党员: 支委会 → 预审 → 公示 → 入党志愿书 → 支部大会 → 谈话 + 审批 (3 months) → 备案.
    let meeting: MemberBranchMeetingForm;
    let meetingAt: MeetingAnchor;
    for (let round = 1; ; round++) {
      rt.setStage('admission');
      if (!(await decide('admission-committee', `支委会审查：${name}`, branchId, branch(), 'member-development.committee'))) continue;
      if (!(await decide('pre-review', `上级党委预审：${name}`, townshipId, township, 'member-development.filing'))) continue;
      if (!(await notice('admission-notice', round, `${name}拟接收为预备党员公示`, `经上级党委预审，拟接收${name}为中共预备党员，现予公示（不少于5个工作日）。如有异议，请在公示期内实名反映。`))) continue;
      break;
    }
    await step({ key: 'volunteer-form', title: `填写入党志愿书：${name}`, orgId: branchId, assignees: branch(), form: 'member.volunteer-form', policy: 'member-development.application-form' });
    for (;;) {
      const d = await step({
        key: 'admission-meeting',
        title: `支部大会讨论接收预备党员：${name}`,
        orgId: branchId,
        assignees: branch(),
        form: 'member.branch-meeting',
        policy: 'member-development.branch-meeting',
        checkForm: (form) => checkBranchMeeting(form as unknown as MemberBranchMeetingForm).errors,
      });
      meeting = d.form as MemberBranchMeetingForm;
      meetingAt = { meetingDate: meeting.meetingDate, recordedAt: now() };
      const check = checkBranchMeeting(meeting);
      await rt.recordEvent('meeting.counted', { step: 'admission-meeting', votes: meeting, quorumMet: check.quorumMet, passed: check.passed }, d.actor);
      if (!check.quorumMet) continue; // no quorum: the meeting is held again
      if (!check.passed) return { status: 'rejected', result: { reason: 'admission-vote', votes: meeting }, actor: d.actor };
      break;
    }
    // The approval limit runs from the meeting; the approval task opens with the talk; approval needs the talk first.
    let talked = false;
    let approval: Awaited<ReturnType<typeof superiorApproval>> | undefined;
    const admissionClock = await approvalClock('admission-approval', meetingAt);
    await rt.inParallel([
      () =>
        step({ key: 'superior-talk', title: `上级党委派人谈话：${name}`, orgId: townshipId, assignees: township, form: 'member.talk', policy: 'member-development.superior-talk' }).then(async (d) => {
        await rt.recordEvent('talk.recorded', { ...(d.form as MemberTalkForm), by: 'superior' }, d.actor);
        talked = true;
      }),
      async () => {
        approval = await superiorApproval('admission-approval', `上级党委审批接收预备党员：${name}`, () => talked, admissionClock);
      },
    ]);
    if (!approval) throw new Error('unreachable: approval runs to its end');
    if (!approval.approved) return { status: 'rejected', result: { reason: 'admission-approval', comment: approval.comment ?? null }, actor: approval.actor };
    let probation = probationPeriod(meeting.meetingDate);
    await rt.recordEvent('probation.set', { ...probation, meetingDate: meeting.meetingDate }, approval.actor);
    await step({ key: 'admission-filing', title: `报县委组织部备案（预备期 ${probation.start} 至 ${probation.end}）：${name}`, orgId: countyId, assignees: [{ orgId: countyId, role: 'county_org_dept' }], form: 'member.decision', policy: 'member-development.filing' });

    // 入党宣誓 facing the Party flag (党章第六条) and 编入党支部和党小组 (domain.md §2 step 5), recorded before
    // the probation's 考察 goes on; the probation year itself already runs from the 支部大会.
    if (patched(OATH_AND_GROUP)) {
      rt.setStage('probation');
      const oath = await step({
        key: 'oath',
        title: `组织入党宣誓、编入党小组：${name}`,
        orgId: branchId,
        assignees: branch(),
        form: 'member.oath',
        policy: 'member-development.oath',
        checkForm: (form) => oathDateErrors((form as unknown as MemberOathForm).oathDate, meeting.meetingDate, chinaDate(now())),
      });
      const f = oath.form as MemberOathForm;
      await rt.recordEvent('member.oath', { oathDate: f.oathDate, administeredBy: f.administeredBy, place: f.place ?? null, groupId: f.groupId ?? null }, oath.actor);
      // 编入党支部和党小组 is also the roster's: the member is in the 党员花名册 from here on, as probationary
      // from the 支部大会 (党章第七条), so committees, meetings and elections count them without an administrator.
      if (patched(ROSTER_ENTRY)) {
        const entry = await member.enrolMember({ caseId, actorId: oath.actor.userId, name, gender: applicant.gender, birthDate: applicant.birthDate, joinedOn: meeting.meetingDate, branchId, groupId: f.groupId ?? null, startOn: f.oathDate });
        if (entry.enrolled) {
          const placed = entry.groupName ? `${entry.branchName}${entry.groupName}` : entry.branchName;
          const title = entry.linked ? `花名册中已有登记，与本案关联：${name}（${placed}）` : `登记入党员花名册：${name}，预备党员，入党日期 ${meeting.meetingDate}，编入${placed}`;
          await rt.recordEvent('roster.enrolled', { title, linked: entry.linked }, oath.actor);
        } else {
          await rt.recordEvent('roster.not-enrolled', { title: `${entry.reason}，请管理员登记` }, oath.actor);
        }
      }
    }

    // 5. 预备期考察和转正: 1 year (or the extension) → 转正申请 and assessment → 支委会 → 公示 → 支部大会 → 审批 (3 months).
    let extensions = 0;
    let periodStart = now();
    let periodMonths = 12;
    // Probation runs from the 支部大会 that admitted the applicant, an extension from the end of the first
    // year (党章 Art. 7, domain.md §2); cases already in probation before this change keep the old clock.
    const fromMeeting = patched(PROBATION_FROM_MEETING);
    let periodEndsAt: number | undefined;
    for (let round = 1; ; round++) {
      rt.setStage('probation');
      const endsAt = fromMeeting
        ? await member.probationEndsAt({ endDate: probation.end, recordedFrom: periodEndsAt ?? meetingAt.recordedAt, months: periodMonths })
        : await member.instantAfterMonths({ from: periodStart, months: periodMonths });
      periodEndsAt = endsAt;
      const dated = patched(DATED_STEPS_OPEN_AT_THEIR_DATE);
      if (dated) {
        await rt.recordEvent('step.scheduled', { step: 'probation-assessment', round, title: `预备期满考察及转正申请于 ${chinaDate(endsAt)} 开启`, opensAt: new Date(endsAt).toISOString() });
        await rt.waitUntil(endsAt);
      }
      const assessment = await step({
        key: 'probation-assessment',
        title: `预备期考察及转正申请（预备期至 ${probation.end}）：${name}`,
        orgId: branchId,
        mode: 'all',
        assignees: introducers.map((p) => ({ userId: p.userId, displayName: p.name })),
        form: 'member.evaluation',
        ...(dated
          ? { policy: 'member-development.probation-window' }
          : { policy: 'member-development.probation', durationMonths: periodMonths, ...(fromMeeting ? { dueAt: endsAt } : {}) }),
        checkForm: () => (now() < endsAt ? TOO_EARLY(endsAt) : []),
      });
      await rt.recordEvent('probation.assessed', { round, evaluation: (assessment.form as MemberEvaluationForm).evaluation }, assessment.actor);
      let decided: MemberFullMeetingForm | undefined;
      let approver: Person | undefined;
      for (let attempt = 1; !decided; attempt++) {
        if (!(await decide('full-committee', `支委会审查转正：${name}`, branchId, branch(), 'member-development.committee'))) continue;
        if (!(await notice('full-notice', round * 100 + attempt, `${name}预备党员转正公示`, `${name}预备期满，经支委会审查，现予公示。如有异议，请在公示期内实名反映。`))) continue;
        let vote: MemberFullMeetingForm;
        let voteAt: MeetingAnchor;
        for (;;) {
          const d = await step({
            key: 'full-meeting',
            title: `支部大会讨论转正：${name}`,
            orgId: branchId,
            assignees: branch(),
            form: 'member.full-meeting',
            policy: 'member-development.branch-meeting',
            checkForm: (form) => {
              const f = form as unknown as MemberFullMeetingForm;
              const errors = checkBranchMeeting(f).errors;
              if (f.proposal === 'extend') errors.push(...extensionErrors(f.extensionMonths ?? 0, extensions));
              else if (f.extensionMonths !== undefined) errors.push('仅延长预备期时填写延长期限 (extensionMonths only with an extension)');
              return errors;
            },
          });
          vote = d.form as MemberFullMeetingForm;
          voteAt = { meetingDate: vote.meetingDate, recordedAt: now() };
          const check = checkBranchMeeting(vote);
          await rt.recordEvent('meeting.counted', { step: 'full-meeting', proposal: vote.proposal, proposalLabel: fullMembershipProposalLabels[vote.proposal], votes: vote, quorumMet: check.quorumMet, passed: check.passed }, d.actor);
          if (check.passed) break; // no quorum or not carried: the branch meets (and may propose) again
        }
        const a = await superiorApproval('full-approval', `上级党委审批${fullMembershipProposalLabels[vote.proposal]}：${name}`, () => true, await approvalClock('full-approval', voteAt));
        if (!a.approved) {
          await sendBack('full-approval', a.comment, a.actor);
          continue;
        }
        decided = vote;
        approver = a.actor;
      }
      if (decided.proposal === 'extend') {
        extensions += 1;
        const months = decided.extensionMonths!;
        probation = { start: probation.start, end: extendedProbationEnd(probation.end, months) };
        await rt.recordEvent('probation.extended', { months, end: probation.end }, approver);
        periodStart = now();
        periodMonths = months;
        continue;
      }
      if (patched(ROSTER_PROBATION_END)) {
        const cancelled = decided.proposal === 'cancel';
        const on = cancelled ? chinaDate(now()) : probation.end;
        const actorId = approver?.userId ?? input.initiator.userId;
        const entry = await member.recordProbationEnd({ caseId, actorId, outcome: cancelled ? 'cancelled' : 'full', on });
        const title = !entry
          ? `本案未登记入党员花名册，请管理员${cancelled ? '办理取消预备党员资格' : `登记转正日期 ${on}`}`
          : cancelled
            ? `取消预备党员资格：${name}，自 ${on} 起不再是 ${input.branchName} 党员`
            : `花名册登记转正：${name}，转正日期 ${on}`;
        await rt.recordEvent(!entry ? 'roster.not-updated' : cancelled ? 'roster.membership-ended' : 'roster.full-member', { title }, approver);
      }
      const archive = await step({ key: 'archive', title: `材料归档：${name}`, orgId: branchId, assignees: branch(), form: 'member.archive', policy: 'member-development.archive' });
      const archived = { archiveNumber: (archive.form as { archiveNumber: string }).archiveNumber, probation, extensions };
      if (decided.proposal === 'cancel') return { status: 'rejected', result: { outcome: 'probation-cancelled', ...archived }, actor: approver };
      return { status: 'completed', result: { outcome: 'full-member', fullMemberSince: probation.end, ...archived }, actor: approver };
    }
  });
}
