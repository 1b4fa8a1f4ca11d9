/**
 * 村党组织书记选配 — replacing a village party secretary within 3 months (domain.md §1).
 * Propose candidates → negative-list screen + county joint review (会签) → interviews → township
 * decision → county filing → 任前公示 (objections verified) → election or appointment → the branch's
 * secretary is updated. A rejection sends the case back to the proposal with its reason on the record.
 */
import { patched, uuid4, workflowInfo } from '@temporalio/workflow';
import type {
  MeetingRecord,
  SecretaryApprovalMeetingForm,
  SecretaryAppointmentForm,
  SecretaryCandidate,
  SecretaryCandidatesForm,
  SecretaryElectionForm,
  SecretaryInterviewForm,
} from '@dj/contracts';
import {
  ageOn,
  caseDeadlineMonths,
  caseWarningMonths,
  candidateMembershipErrors,
  checkElection,
  defaultElectionPolicy,
  electionEligibility,
  electionPathOf,
  electionPathRule,
  electionSteps,
  partyAgeOn,
  defaultNegativeList,
  isCalendarDate,
  isElectionPolicy,
  isNegativeList,
  isAppointedSource,
  screenCandidate,
  toChinaDate,
  type ElectionPolicy,
  type NegativeListRule,
} from '@dj/domain';
import type { SecretaryReplacementInput } from '@dj/process-api';
import { CaseRuntime, caseActivities, refuse } from '../../human-step/case-runtime';
import type { Person, SecretaryActivities } from '../../human-step/activity-types';
import { publicNotice, receiveObjections } from '../../human-step/public-notice';

/** Patch: the township's decision and appointment are recorded as the 党委会's meeting (issue 14). */
const COLLECTIVE_DECISIONS = 'collective-decisions';
/** Patch: candidates' membership checked, the election path by branch and the township's approval before the secretary changes (issue 14 point 3). */
const ELECTION_RULES = 'election-rules';

const secretary = caseActivities<SecretaryActivities>();

const ORG_MEMBER = 'township_org_member';
const COUNTY_OFFICIALS = ['county_org_dept', 'county_secretary'];
const JOINT_REVIEW_ROLES = ['county_org_dept', 'county_civil_affairs', 'county_discipline', 'county_political_legal', 'county_justice'];

export async function secretaryReplacement(input: SecretaryReplacementInput) {
  const { caseId, branchId, townshipId, countyId } = input;
  const rt = new CaseRuntime({ caseId, initiator: input.initiator, stage: 'propose-candidates' });
  const filed = receiveObjections();
  const isCountyOfficial = (memberships: { orgId: string; role: string }[]) => memberships.some((m) => m.orgId === countyId && COUNTY_OFFICIALS.includes(m.role));
  rt.registerCaseAction('cancel', {
    validate: (req) => {
      if (!isCountyOfficial(req.actor.memberships)) refuse('FORBIDDEN');
      if (!req.comment?.trim()) refuse('COMMENT_REQUIRED');
    },
    handle: (req) => rt.endEarly('cancelled', req),
  });
  rt.registerCaseAction('record_first_secretary', {
    validate: (req) => {
      if (!isCountyOfficial(req.actor.memberships)) refuse('FORBIDDEN');
      const name = req.data?.name;
      const unit = req.data?.unit;
      if (typeof name !== 'string' || !name.trim() || name.length > 40 || typeof unit !== 'string' || !unit.trim() || unit.length > 100) refuse('INVALID_FORM', 'name (1–40) and unit (1–100) are required');
    },
    handle: async (req) => {
      const actor = { userId: req.actor.userId, name: req.actor.name };
      await secretary.recordFirstSecretary({ caseId, branchId, name: String(req.data!.name), unit: String(req.data!.unit), actor, idemKey: `first-secretary:${uuid4()}` });
    },
  });

  await rt.open({
    workflowId: workflowInfo().workflowId,
    type: 'secretary-replacement',
    orgId: branchId,
    title: `${input.branchName}党组织书记选配`,
    input: { reason: input.reason, description: input.description },
  });
  rt.watchDeadline({
    months: caseDeadlineMonths,
    warnMonths: caseWarningMonths,
    warn: [
      { orgId: townshipId, role: 'township_secretary' },
      { orgId: townshipId, role: ORG_MEMBER },
      { orgId: countyId, role: 'county_org_dept' },
    ],
    supervisor: { orgId: countyId, role: 'county_secretary' },
    title: `督办：${input.branchName}书记选配超过${caseDeadlineMonths}个月时限`,
  });
  // Policies are edited by administrators: an invalid one falls back to the default rather than stopping the case.
  const policies = await secretary.loadSecretaryPolicies();
  const negativeList: NegativeListRule[] = isNegativeList(policies.negativeList) ? policies.negativeList : defaultNegativeList;
  const election: ElectionPolicy = isElectionPolicy(policies.election) ? policies.election : defaultElectionPolicy;

  const sendBack = (from: string, reason: string | undefined, actor?: Person) =>
    rt.recordEvent('case.sent-back', { from, reason: reason ?? null }, actor);

  return rt.run(async () => {
    for (let round = 1; ; round++) {
      rt.setStage('propose-candidates');
      // Steps opened before the patch keep the old check; from it the candidates' membership is checked at the proposal.
      const membershipChecked = patched(ELECTION_RULES);
      const proposal = await rt.humanStep({
        key: 'propose-candidates',
        title: '提出书记人选（三选三任）',
        orgId: townshipId,
        assignees: [{ orgId: townshipId, role: ORG_MEMBER }],
        form: 'secretary.candidates',
        actions: ['approve', 'transfer', 'cc', 'comment', 'claim', 'urge'],
        policy: 'secretary-replacement.propose',
        checkForm: (form) => {
          const { candidates } = form as SecretaryCandidatesForm;
          // 党章第七条, 选举工作条例第五条: only a full member may be elected (or appointed) secretary.
          return [...candidateErrors(candidates), ...(membershipChecked ? candidateMembershipErrors(candidates, toChinaDate(new Date())) : [])];
        },
      });
      const candidates = (proposal.form as SecretaryCandidatesForm).candidates;

      // 资格审查 (1): the automatic negative-list screen, every hit on the record with its rule.
      const asOf = toChinaDate(new Date());
      const screened = candidates.map((c) => ({ candidate: c, hits: screenCandidate(c, negativeList, asOf) }));
      // The party age (党龄, from 转正: 党章第七条) is recorded with each candidate once the proposal states it.
      const membership = (c: SecretaryCandidate) => (membershipChecked ? { joinedOn: c.joinedOn ?? null, fullOn: c.fullOn ?? null, partyAgeYears: partyAgeOn(c.fullOn, asOf) ?? null } : {});
      await rt.recordEvent('candidates.screened', { round, asOf, results: screened.map((s) => ({ name: s.candidate.name, source: s.candidate.source, hits: s.hits, ...membership(s.candidate) })) });
      const eligible = screened.filter((s) => s.hits.length === 0).map((s) => s.candidate);
      if (!eligible.length) {
        await sendBack('negative-list', '所有人选均触及负面清单 / every candidate hit the negative list');
        continue;
      }

      // 资格审查 (2): the county joint review, a countersign of five departments; any objection stops the slate.
      rt.setStage('joint-review');
      const review = await rt.humanStep({
        key: 'joint-review',
        title: '县级联审（组织部、民政局、纪委监委、政法委、司法局）',
        orgId: countyId,
        mode: 'all',
        assignees: JOINT_REVIEW_ROLES.map((role) => ({ orgId: countyId, role })),
        form: 'secretary.joint-review',
        actions: ['approve', 'reject', 'comment', 'transfer', 'claim', 'urge'],
        policy: 'secretary-replacement.joint-review',
      });
      if (review.outcome !== 'approve') {
        await sendBack('joint-review', review.comment, review.actor);
        continue;
      }

      rt.setStage('interview');
      const names = eligible.map((c) => c.name);
      const interview = await rt.humanStep({
        key: 'interview',
        title: '考察谈话',
        orgId: townshipId,
        assignees: [{ orgId: townshipId, role: ORG_MEMBER }],
        form: 'secretary.interview',
        actions: ['approve', 'transfer', 'comment', 'claim', 'urge'],
        policy: 'secretary-replacement.interview',
        checkForm: (form) => (names.includes(String(form.candidateName)) ? [] : [`/candidateName: 须为通过资格审查的人选之一 / must be one of ${names.join(', ')}`]),
      });
      const chosen = eligible.find((c) => c.name === (interview.form as SecretaryInterviewForm).candidateName)!;

      rt.setStage('township-decision');
      const decision = await rt.humanStep({
        key: 'township-decision',
        title: `乡镇党委研究决定：${chosen.name}`,
        orgId: townshipId,
        assignees: [{ orgId: townshipId, role: 'township_secretary' }],
        // The township committee decides in a 党委会, recorded as its meeting (issue 14; steps opened before keep the plain form).
        form: patched(COLLECTIVE_DECISIONS) ? 'meeting.committee-decision' : 'secretary.decision',
        actions: ['approve', 'reject', 'comment', 'urge'],
        policy: 'secretary-replacement.township-decision',
      });
      if (decision.outcome !== 'approve') {
        await sendBack('township-decision', decision.comment, decision.actor);
        continue;
      }

      rt.setStage('county-filing');
      const filing = await rt.humanStep({
        key: 'county-filing',
        title: `县委组织部备案：${chosen.name}`,
        orgId: countyId,
        assignees: [{ orgId: countyId, role: 'county_org_dept' }],
        form: 'secretary.decision',
        actions: ['approve', 'reject', 'comment', 'transfer', 'claim', 'urge'],
        policy: 'secretary-replacement.county-filing',
      });
      if (filing.outcome !== 'approve') {
        await sendBack('county-filing', filing.comment, filing.actor);
        continue;
      }

      rt.setStage('public-notice');
      // 任前公示: every objection becomes a 核实 task of the township; the step ends only when all are resolved.
      const notice = await publicNotice(rt, filed, {
        notices: [{ orgId: branchId, idemKey: `${caseId}:public-notice:${round}` }],
        title: `${input.branchName}党组织书记人选任前公示`,
        body: `经乡镇党委研究并报县委组织部备案，拟推荐${chosen.name}为${input.branchName}党组织书记人选，现予公示。如有异议，请在公示期内实名反映。`,
        noticePolicy: 'secretary-replacement.public-notice',
        verifier: { orgId: townshipId, role: ORG_MEMBER },
        verify: { title: '核实公示异议', policy: 'secretary-replacement.verify-objection' },
      });
      if (notice === 'substantiated') {
        await sendBack('public-notice', '公示异议经核实属实 / an objection to the notice was substantiated');
        continue;
      }

      if (isAppointedSource(chosen.source)) {
        const outcome = await appoint(chosen);
        await secretary.setBranchSecretary({ caseId, branchId, name: chosen.name, since: outcome.effectiveDate, method: outcome.method });
        return { status: 'completed', result: { secretary: chosen.name, source: chosen.source, ...outcome, rounds: round } };
      }
      if (patched(ELECTION_RULES)) {
        const elected = await electByRules(chosen);
        if ('failed' in elected) {
          await sendBack(elected.failed, elected.reason, elected.actor);
          continue;
        }
        // 上级党组织批准 (党章第三十条; 支部工作条例 第六章): only then does the branch's secretary change.
        const approval = await approve(chosen, elected.meetingDate);
        if (!approval) continue;
        await secretary.setBranchSecretary({ caseId, branchId, name: chosen.name, since: approval.effectiveDate, method: 'election', personId: elected.personId });
        const { personId: _personId, ...result } = elected;
        return { status: 'completed', result: { secretary: chosen.name, source: chosen.source, method: 'election', ...result, approvedOn: approval.meetingDate, effectiveDate: approval.effectiveDate, rounds: round } };
      }
      const outcome = await elect(chosen);
      if (!outcome) {
        await sendBack('election', '人选未获当选 / the candidate was not elected');
        continue;
      }
      await secretary.setBranchSecretary({ caseId, branchId, name: chosen.name, since: outcome.effectiveDate, method: outcome.method });
      return { status: 'completed', result: { secretary: chosen.name, source: chosen.source, ...outcome, rounds: round } };
    }
  });

  function candidateErrors(candidates: SecretaryCandidate[]): string[] {
    const today = toChinaDate(new Date());
    const errors: string[] = [];
    candidates.forEach((c, i) => {
      if (!isCalendarDate(c.birthDate) || c.birthDate >= today || ageOn(c.birthDate, today) < 18) errors.push(`/candidates/${i}/birthDate: 出生日期无效 / invalid birth date`);
    });
    if (new Set(candidates.map((c) => c.name)).size !== candidates.length) errors.push('/candidates: 人选姓名重复 / duplicate candidate names');
    return errors;
  }

  async function appoint(chosen: SecretaryCandidate) {
    rt.setStage('appointment');
    const d = await rt.humanStep({
      key: 'appointment',
      title: `任命：${chosen.name}`,
      orgId: townshipId,
      assignees: [{ orgId: townshipId, role: 'township_secretary' }],
      // The appointment is the township 党委会's decision, recorded as its meeting (issue 14).
      form: patched(COLLECTIVE_DECISIONS) ? 'secretary.appointment-meeting' : 'secretary.appointment',
      actions: ['approve', 'comment', 'urge'],
      policy: 'secretary-replacement.appointment',
    });
    const form = d.form as SecretaryAppointmentForm;
    return { method: 'appointment' as const, orderNumber: form.orderNumber, effectiveDate: form.effectiveDate };
  }

  /**
   * The election as the rules have it (patch election-rules): the candidate a full member of the branch on its
   * roster; a branch with a committee → 党员大会 补选 (unless already a 委员) → 支委会 elects the secretary; without
   * one → the 党员大会 elects the secretary. Each is the body's meeting: an invalid one (4/5 not present) is
   * refused and held again; a failed vote is recorded as 驳回 with its meeting and sends the case back to 提出人选.
   */
  async function electByRules(chosen: SecretaryCandidate): Promise<{ failed: string; reason: string; actor?: Person } | { personId: string; meetingDate: string; path: string; partyAgeYears: number }> {
    rt.setStage('election');
    const today = toChinaDate(new Date());
    const facts = await secretary.branchElectionFacts({ branchId, on: today, candidate: { name: chosen.name, birthDate: chosen.birthDate } });
    const eligibility = electionEligibility(chosen, facts.match, today);
    await rt.recordEvent('candidate.membership-checked', { candidate: chosen.name, on: today, ...eligibility });
    if (!eligibility.eligible) return { failed: 'candidate-membership', reason: `${eligibility.reason}（${eligibility.rule}）` };
    const path = electionPathOf(facts.fullMembers);
    const onCommittee = facts.committee.some((c) => c.personId === eligibility.personId);
    await rt.recordEvent('election.path', { fullMembers: facts.fullMembers, path, committee: facts.committee.map((c) => c.name), candidateOnCommittee: onCommittee, rule: electionPathRule[path] });
    const titles = { 'by-election': '党员大会补选支部委员', 'committee-election': '支部委员会选举书记', 'general-meeting-election': '党员大会选举书记' } as const;
    let meetingDate = today;
    for (const step of electionSteps(path, onCommittee)) {
      const d = await rt.humanStep({
        key: step,
        title: `${titles[step]}：${chosen.name}`,
        // The body is the branch's: its full members (党员大会) or its committee (支委会) at the meeting date.
        orgId: branchId,
        assignees: [{ orgId: townshipId, role: ORG_MEMBER }],
        form: step === 'committee-election' ? 'secretary.committee-election' : 'secretary.general-meeting-election',
        actions: ['approve', 'reject', 'transfer', 'comment', 'claim', 'urge'],
        policy: `secretary-replacement.${step}`,
        // 党员大会: the 选举工作条例's thresholds; 支委会: its meeting rule (支部工作条例 第十二条), by secret ballot too (党章第十一条).
        ...(step === 'committee-election' ? { checkForm: (form: Record<string, unknown>) => (form.ballotMethod === 'secret-ballot' ? [] : ['/ballotMethod: 选举须采用无记名投票（党章第十一条） / an election is by secret ballot']) } : { election }),
      });
      const m = d.form as unknown as MeetingRecord;
      const elected = d.outcome === 'approve';
      await rt.recordEvent('election.counted', { step, candidate: chosen.name, votes: { meetingDate: m.meetingDate, present: m.attendees.length, for: m.for, against: m.against, abstain: m.abstain }, quorumMet: true, elected }, d.actor);
      if (!elected) return { failed: step, reason: `${titles[step]}未当选：${d.comment ?? ''} / not elected`, actor: d.actor };
      // 补选的委员报上级党组织备案 (支部工作条例 第六章): the member sits on the committee from the meeting, so the 支委会 that elects the secretary counts them.
      if (step === 'by-election') await secretary.addCommitteeMember({ caseId, branchId, personId: eligibility.personId, name: chosen.name, since: m.meetingDate });
      meetingDate = m.meetingDate;
    }
    return { personId: eligibility.personId, meetingDate, path, partyAgeYears: eligibility.partyAgeYears };
  }

  /** 上级党组织批准: the township 党委会 approves the election result in its meeting (党章第三十条, 第十七条); 驳回 sends the case back to 提出人选. */
  async function approve(chosen: SecretaryCandidate, electedOn: string) {
    rt.setStage('approval');
    await rt.recordEvent('election.approval-pending', { candidate: chosen.name, electedOn, to: townshipId });
    const d = await rt.humanStep({
      key: 'approval',
      title: `上级党组织批准选举结果：${chosen.name}`,
      orgId: townshipId,
      assignees: [{ orgId: townshipId, role: 'township_secretary' }],
      form: 'secretary.approval-meeting',
      actions: ['approve', 'reject', 'comment', 'urge'],
      policy: 'secretary-replacement.approval',
      checkForm: (form) => {
        const f = form as unknown as SecretaryApprovalMeetingForm;
        const errors: string[] = [];
        if (!isCalendarDate(f.effectiveDate) || f.effectiveDate < f.meetingDate) errors.push('/effectiveDate: 任职生效日期不能早于批准的会议日期 / takes effect on or after the approval');
        if (f.meetingDate < electedOn) errors.push(`/meetingDate: 批准须在选举（${electedOn}）之后 / the approval follows the election`);
        return errors;
      },
    });
    if (d.outcome !== 'approve') {
      await sendBack('approval', d.comment, d.actor);
      return undefined;
    }
    const f = d.form as unknown as SecretaryApprovalMeetingForm;
    return { meetingDate: f.meetingDate, effectiveDate: f.effectiveDate };
  }

  /** 党员大会选举: the counts are checked by domain rules; a meeting without quorum is held again. */
  async function elect(chosen: SecretaryCandidate) {
    rt.setStage('election');
    for (;;) {
      const d = await rt.humanStep({
        key: 'election',
        title: `党员大会选举结果：${chosen.name}`,
        orgId: townshipId,
        assignees: [{ orgId: townshipId, role: ORG_MEMBER }],
        form: 'secretary.election',
        actions: ['approve', 'transfer', 'comment', 'claim', 'urge'],
        policy: 'secretary-replacement.election',
        checkForm: (form) => checkElection(form as unknown as SecretaryElectionForm, election).errors,
      });
      const votes = d.form as SecretaryElectionForm;
      const check = checkElection(votes, election);
      await rt.recordEvent('election.counted', { candidate: chosen.name, votes, quorumMet: check.quorumMet, elected: check.elected }, d.actor);
      if (!check.quorumMet) continue;
      if (!check.elected) return undefined;
      return { method: 'election' as const, meetingDate: votes.meetingDate, votes, effectiveDate: votes.effectiveDate };
    }
  }
}
