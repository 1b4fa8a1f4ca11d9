import { describe, expect, it } from 'vitest';
import { declarationKeys, formErrors, type SecretaryCandidate, type SecretaryFormId } from '@dj/contracts';
import {
  addCalendarMonths,
  ageOn,
  candidateDeclarations,
  candidateSources,
  caseDeadlineMonths,
  caseWarningMonths,
  checkElection,
  defaultElectionPolicy,
  defaultNegativeList,
  educationLevels,
  isAppointedSource,
  isCalendarDate,
  isElectionPolicy,
  isNegativeList,
  replacementReasons,
  screenCandidate,
  secretaryCaseTimers,
  type NegativeListRule,
} from '../src/index';

const noDeclarations = Object.fromEntries(declarationKeys.map((k) => [k, false])) as SecretaryCandidate['declarations'];

const candidate: SecretaryCandidate = {
  name: '张三',
  gender: 'male',
  birthDate: '1970-06-15',
  education: 'senior-high',
  source: 'returnee',
  resume: '2010 年起在外经商，2024 年返乡创办合作社。',
  declarations: noDeclarations,
};

describe('vocabulary', () => {
  it('labels the reasons and the 三选三任 sources, elected in the village and appointed from outside', () => {
    expect(replacementReasons).toEqual([
      { id: 'vacancy', label: '缺职' },
      { id: 'incompetent', label: '不能胜任' },
      { id: 'serious-problem', label: '出现重大问题' },
    ]);
    expect(candidateSources.filter((s) => !s.appointment).map((s) => s.label)).toEqual(['党员群众推选', '回村参选', '重点培养择优选']);
    expect(candidateSources.filter((s) => s.appointment).map((s) => s.label)).toEqual(['县乡机关派任', '优秀书记兼任', '邻村干部跨任']);
    expect(isAppointedSource('dispatched-official')).toBe(true);
    expect(isAppointedSource('neighbor-cadre')).toBe(true);
    expect(isAppointedSource('members-masses')).toBe(false);
    expect(isAppointedSource('cultivated')).toBe(false);
  });

  it('orders education levels from lowest to highest and labels every declaration', () => {
    expect(educationLevels.map((l) => l.id)).toEqual(['primary', 'junior-high', 'senior-high', 'vocational', 'college', 'bachelor', 'postgraduate']);
    expect(candidateDeclarations.map((d) => d.key)).toEqual([...declarationKeys]);
    expect(candidateDeclarations.every((d) => /\p{Script=Han}/u.test(d.label))).toBe(true);
  });
});

describe('negative-list screen', () => {
  it('passes a clean candidate against the default list', () => {
    expect(screenCandidate(candidate, defaultNegativeList, '2025-03-01')).toEqual([]);
  });

  it('has one declaration rule per declaration, an age limit of 60 and a senior-high minimum', () => {
    const declared = defaultNegativeList.flatMap((r) => (r.kind === 'declaration' ? [r.declaration] : []));
    expect(declared).toEqual([...declarationKeys]);
    expect(defaultNegativeList.filter((r) => r.kind === 'max-age')).toEqual([expect.objectContaining({ years: 60 })]);
    expect(defaultNegativeList.filter((r) => r.kind === 'min-education')).toEqual([expect.objectContaining({ level: 'senior-high' })]);
  });

  it.each(declarationKeys.map((k) => [k]))('hits the %s declaration rule and only it', (key) => {
    const hits = screenCandidate({ ...candidate, declarations: { ...noDeclarations, [key]: true } }, defaultNegativeList, '2025-03-01');
    const rule = defaultNegativeList.find((r) => r.kind === 'declaration' && r.declaration === key)!;
    expect(hits).toEqual([{ ruleId: rule.id, label: rule.label, detail: `申报：${rule.label}` }]);
  });

  it('computes the age in whole years, one less before the birthday', () => {
    expect(ageOn('1965-03-02', '2025-03-01')).toBe(59);
    expect(ageOn('1965-03-01', '2025-03-01')).toBe(60);
    expect(ageOn('1964-03-02', '2025-03-01')).toBe(60);
    expect(ageOn('1964-03-01', '2025-03-01')).toBe(61);
    expect(ageOn('2000-02-29', '2019-02-28')).toBe(18);
    expect(ageOn('2000-02-29', '2019-03-01')).toBe(19);
    expect(() => ageOn('2025-03-02', '2025-03-01')).toThrow(RangeError);
    expect(() => ageOn('1970-02-30', '2025-03-01')).toThrow(RangeError);
  });

  it('hits the age limit only once the candidate is older than the limit (birthday edge)', () => {
    const ageRule = defaultNegativeList.filter((r) => r.kind === 'max-age');
    // Turns 61 on 2025-03-02: still 60 the day before, so no hit.
    expect(screenCandidate({ ...candidate, birthDate: '1964-03-02' }, ageRule, '2025-03-01')).toEqual([]);
    expect(screenCandidate({ ...candidate, birthDate: '1964-03-02' }, ageRule, '2025-03-02')).toEqual([
      { ruleId: 'max-age', label: ageRule[0]!.label, detail: '年龄 61 岁，超过 60 岁上限' },
    ]);
    expect(screenCandidate({ ...candidate, birthDate: '1962-01-01' }, ageRule, '2025-03-01')[0]?.detail).toBe('年龄 63 岁，超过 60 岁上限');
  });

  it('hits the minimum education below senior high, and counts 中专 and above as meeting it', () => {
    const eduRule = defaultNegativeList.filter((r) => r.kind === 'min-education');
    expect(screenCandidate({ ...candidate, education: 'junior-high' }, eduRule, '2025-03-01')).toEqual([
      { ruleId: 'min-education', label: eduRule[0]!.label, detail: '学历初中，低于高中要求' },
    ]);
    expect(screenCandidate({ ...candidate, education: 'primary' }, eduRule, '2025-03-01')).toHaveLength(1);
    for (const education of ['senior-high', 'vocational', 'college', 'postgraduate'] as const) {
      expect(screenCandidate({ ...candidate, education }, eduRule, '2025-03-01')).toEqual([]);
    }
  });

  it('reports a non-existent or future birth date as a hit instead of throwing (it runs in workflow code)', () => {
    expect(screenCandidate({ ...candidate, birthDate: '1970-02-30' }, defaultNegativeList, '2025-03-01')).toEqual([
      { ruleId: 'birth-date', label: '出生日期无效', detail: '出生日期 1970-02-30 不存在或晚于 2025-03-01' },
    ]);
    expect(screenCandidate({ ...candidate, birthDate: '2025-03-02', education: 'primary' }, defaultNegativeList, '2025-03-01').map((h) => h.ruleId)).toEqual([
      'birth-date',
      'min-education',
    ]);
    expect(screenCandidate({ ...candidate, birthDate: '2025-03-01' }, defaultNegativeList, '2025-03-01')).toEqual([]);
    expect(() => screenCandidate(candidate, defaultNegativeList, '2025-02-30')).toThrow(RangeError);
  });

  it('applies whatever rules it is given, in order, and reports every hit', () => {
    const rules: NegativeListRule[] = [
      { id: 'age-54', label: '超过54岁', kind: 'max-age', years: 54 },
      { id: 'college', label: '大专以下', kind: 'min-education', level: 'college' },
      { id: 'clan', label: '宗族', kind: 'declaration', declaration: 'clanForces' },
    ];
    const hits = screenCandidate({ ...candidate, declarations: { ...noDeclarations, clanForces: true } }, rules, '2025-06-15');
    expect(hits.map((h) => h.ruleId)).toEqual(['age-54', 'college', 'clan']);
    expect(hits.map((h) => h.detail)).toEqual(['年龄 55 岁，超过 54 岁上限', '学历高中，低于大专要求', '申报：宗族宗派势力干扰']);
    expect(screenCandidate(candidate, [], '2025-06-15')).toEqual([]);
  });
});

describe('negative-list policy validation', () => {
  it('accepts the defaults, an empty list and an edited list', () => {
    expect(isNegativeList(defaultNegativeList)).toBe(true);
    expect(isNegativeList([])).toBe(true);
    expect(isNegativeList([{ id: 'age', label: '超过58岁', kind: 'max-age', years: 58 }])).toBe(true);
  });

  it.each<[string, unknown]>([
    ['not an array', { id: 'x' }],
    ['unknown kind', [{ id: 'x', label: 'x', kind: 'min-height', cm: 170 }]],
    ['unknown declaration', [{ id: 'x', label: 'x', kind: 'declaration', declaration: 'badMood' }]],
    ['non-integer age', [{ id: 'x', label: 'x', kind: 'max-age', years: 60.5 }]],
    ['age out of range', [{ id: 'x', label: 'x', kind: 'max-age', years: 150 }]],
    ['unknown education', [{ id: 'x', label: 'x', kind: 'min-education', level: 'kindergarten' }]],
    ['missing label', [{ id: 'x', kind: 'max-age', years: 60 }]],
    ['blank label', [{ id: 'x', label: ' ', kind: 'max-age', years: 60 }]],
    ['bad id', [{ id: 'Has Spaces', label: 'x', kind: 'max-age', years: 60 }]],
    ['extra field', [{ id: 'x', label: 'x', kind: 'max-age', years: 60, level: 'college' }]],
    ['duplicate ids', [{ id: 'x', label: 'a', kind: 'max-age', years: 60 }, { id: 'x', label: 'b', kind: 'min-education', level: 'college' }]],
    ['null rule', [null]],
  ])('rejects %s', (_name, value) => {
    expect(isNegativeList(value)).toBe(false);
  });
});

describe('election by the 党员大会', () => {
  const votes = { eligible: 50, present: 45, for: 30, against: 10, abstain: 5 };

  it('elects with a quorum and more than half of those present in favour', () => {
    expect(checkElection(votes, defaultElectionPolicy)).toEqual({ consistent: true, errors: [], quorumMet: true, elected: true });
  });

  it('needs strictly more than 4/5 of the eligible present', () => {
    expect(checkElection({ eligible: 50, present: 40, for: 40, against: 0, abstain: 0 })).toMatchObject({ consistent: true, quorumMet: false, elected: false });
    expect(checkElection({ eligible: 50, present: 41, for: 41, against: 0, abstain: 0 })).toMatchObject({ consistent: true, quorumMet: true, elected: true });
    expect(checkElection({ eligible: 5, present: 4, for: 4, against: 0, abstain: 0 })).toMatchObject({ quorumMet: false, elected: false });
  });

  it('needs strictly more than half of those present in favour', () => {
    expect(checkElection({ eligible: 50, present: 42, for: 21, against: 21, abstain: 0 })).toMatchObject({ consistent: true, quorumMet: true, elected: false });
    expect(checkElection({ eligible: 50, present: 42, for: 22, against: 20, abstain: 0 })).toMatchObject({ quorumMet: true, elected: true });
    // Of those present, not of those voting: 21 of 42 present is not a majority even with blank ballots.
    expect(checkElection({ eligible: 50, present: 42, for: 21, against: 0, abstain: 0 }).elected).toBe(false);
  });

  it('reports inconsistent counts and never elects on them', () => {
    const tooMany = checkElection({ eligible: 50, present: 45, for: 40, against: 5, abstain: 1 });
    expect(tooMany).toMatchObject({ consistent: false, quorumMet: false, elected: false });
    expect(tooMany.errors).toEqual(['赞成、反对、弃权票合计超过实到会人数 (for + against + abstain exceeds present)']);

    const present = checkElection({ eligible: 40, present: 45, for: 40, against: 0, abstain: 0 });
    expect(present).toMatchObject({ consistent: false, elected: false });
    expect(present.errors).toEqual(['实到会人数超过应到会人数 (present exceeds eligible)']);

    const bad = checkElection({ eligible: 50, present: 45.5, for: -1, against: Number.NaN, abstain: 0 });
    expect(bad).toMatchObject({ consistent: false, elected: false });
    expect(bad.errors).toHaveLength(3);
    expect(bad.errors[0]).toMatch(/^实到会人数必须是非负整数 \(present must be/);
  });

  it('uses the policy it is given and refuses an invalid one', () => {
    const twoThirds = { quorumNumerator: 2, quorumDenominator: 3, passNumerator: 2, passDenominator: 3 };
    expect(checkElection({ eligible: 50, present: 40, for: 27, against: 0, abstain: 0 }, twoThirds)).toMatchObject({ quorumMet: true, elected: true });
    expect(checkElection({ eligible: 50, present: 40, for: 26, against: 0, abstain: 0 }, twoThirds)).toMatchObject({ quorumMet: true, elected: false });
    const broken = checkElection(votes, { quorumNumerator: 4, quorumDenominator: 0, passNumerator: 1, passDenominator: 2 });
    expect(broken).toMatchObject({ consistent: false, elected: false });
    expect(broken.errors).toEqual(['选举规则无效 (invalid election policy)']);
  });

  it('validates election policies', () => {
    expect(defaultElectionPolicy).toEqual({ quorumNumerator: 4, quorumDenominator: 5, passNumerator: 1, passDenominator: 2 });
    expect(isElectionPolicy(defaultElectionPolicy)).toBe(true);
    expect(isElectionPolicy({ ...defaultElectionPolicy, passNumerator: 2 })).toBe(false);
    expect(isElectionPolicy({ ...defaultElectionPolicy, quorumNumerator: 0.5 })).toBe(false);
    expect(isElectionPolicy({ ...defaultElectionPolicy, extra: 1 })).toBe(false);
    expect(isElectionPolicy({ quorumNumerator: 4, quorumDenominator: 5, passNumerator: 1 })).toBe(false);
    expect(isElectionPolicy(null)).toBe(false);
  });
});

describe('case deadline in calendar months, China time', () => {
  const cst = (s: string) => new Date(`${s}+08:00`);

  it('is 3 months with a warning at 2', () => {
    expect([caseDeadlineMonths, caseWarningMonths]).toEqual([3, 2]);
    expect(secretaryCaseTimers(cst('2025-04-10T09:30:00'))).toEqual({ warningAt: cst('2025-06-10T09:30:00'), dueAt: cst('2025-07-10T09:30:00') });
  });

  it('clamps to the last day of a shorter month at the same clock time', () => {
    expect(addCalendarMonths(cst('2025-11-30T15:20:00'), 3)).toEqual(cst('2026-02-28T15:20:00'));
    expect(addCalendarMonths(cst('2027-11-30T15:20:00'), 3)).toEqual(cst('2028-02-29T15:20:00'));
    expect(addCalendarMonths(cst('2028-01-31T10:00:00'), 1)).toEqual(cst('2028-02-29T10:00:00'));
    expect(addCalendarMonths(cst('2027-01-31T10:00:00'), 1)).toEqual(cst('2027-02-28T10:00:00'));
    expect(addCalendarMonths(cst('2025-08-31T10:00:00'), 1)).toEqual(cst('2025-09-30T10:00:00'));
  });

  it('crosses years both ways and keeps the day when it exists', () => {
    expect(addCalendarMonths(cst('2025-10-15T08:00:00'), 3)).toEqual(cst('2026-01-15T08:00:00'));
    expect(addCalendarMonths(cst('2026-01-15T08:00:00'), -3)).toEqual(cst('2025-10-15T08:00:00'));
    expect(addCalendarMonths(cst('2025-10-15T08:00:00'), 0)).toEqual(cst('2025-10-15T08:00:00'));
  });

  it('counts the month in China time, not UTC, around midnight', () => {
    // 2025-01-31 00:30 in China is still 30 January in UTC: the China date (31st) clamps to 28 Feb.
    expect(addCalendarMonths(new Date('2025-01-30T16:30:00Z'), 1).toISOString()).toBe('2025-02-27T16:30:00.000Z');
    // 2025-11-30 01:00 in China is 29 November in UTC.
    expect(addCalendarMonths(new Date('2025-11-29T17:00:00Z'), 3).toISOString()).toBe('2026-02-27T17:00:00.000Z');
    // 23:59:59.999 China time stays on the same China day.
    expect(addCalendarMonths(cst('2025-03-31T23:59:59.999'), 2)).toEqual(cst('2025-05-31T23:59:59.999'));
  });

  it('rejects invalid input', () => {
    expect(() => addCalendarMonths(new Date(Number.NaN), 1)).toThrow(RangeError);
    expect(() => addCalendarMonths(cst('2025-01-01T00:00:00'), 1.5)).toThrow(RangeError);
    expect(() => addCalendarMonths(cst('2025-01-01T00:00:00'), 5000)).toThrow(RangeError);
  });

  it('recognizes existing calendar dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('2025-1-01')).toBe(false);
  });
});

describe('secretary forms', () => {
  // formErrors is Value.Errors over the form registry, which includes these forms.
  const errors = (id: SecretaryFormId, value: unknown) => formErrors(id, value);
  const check = (id: SecretaryFormId, value: unknown) => errors(id, value).length === 0;

  it('accepts a full valid candidate list and rejects an empty or oversized one', () => {
    expect(errors('secretary.candidates', { candidates: [candidate] })).toEqual([]);
    expect(check('secretary.candidates', { candidates: [] })).toBe(false);
    expect(check('secretary.candidates', { candidates: Array.from({ length: 6 }, () => candidate) })).toBe(false);
  });

  it('requires every declaration', () => {
    const { illegalReligion: _omit, ...partial } = noDeclarations;
    expect(check('secretary.candidates', { candidates: [{ ...candidate, declarations: partial }] })).toBe(false);
    expect(errors('secretary.candidates', { candidates: [{ ...candidate, declarations: partial }] })).toContain('/candidates/0/declarations/illegalReligion: Expected required property');
    const { declarations: _none, ...withoutDeclarations } = candidate;
    expect(check('secretary.candidates', { candidates: [withoutDeclarations] })).toBe(false);
    expect(check('secretary.candidates', { candidates: [{ ...candidate, declarations: { ...noDeclarations, criminalRecord: 'no' } }] })).toBe(false);
  });

  it('rejects bad dates, unknown ids and unknown fields with readable errors', () => {
    expect(check('secretary.candidates', { candidates: [{ ...candidate, birthDate: '1970/06/15' }] })).toBe(false);
    expect(errors('secretary.candidates', { candidates: [{ ...candidate, source: 'lottery' }] })[0]).toMatch(/^\/candidates\/0\/source: Expected string to match '\^\(\?:members-masses\|returnee/);
    expect(check('secretary.candidates', { candidates: [{ ...candidate, education: 'college' }] })).toBe(true);
    expect(check('secretary.candidates', { candidates: [{ ...candidate, education: 'kindergarten' }] })).toBe(false);
    expect(check('secretary.candidates', { candidates: [{ ...candidate, nickname: '老张' }] })).toBe(false);
    expect(check('secretary.candidates', { candidates: [{ ...candidate, declarations: { ...noDeclarations, gambling: true } }] })).toBe(false);
    expect(check('secretary.candidates', { candidates: [candidate], note: 'x' })).toBe(false);
  });

  it('validates the other step forms', () => {
    expect(check('secretary.open', { reason: 'serious-problem', description: '原书记被立案审查' })).toBe(true);
    expect(check('secretary.open', { reason: 'retired', description: '退休' })).toBe(false);
    expect(check('secretary.open', { reason: 'vacancy', description: '   ' })).toBe(false);
    // The branch is the case's organization (POST /api/cases orgId), not part of the form.
    expect(check('secretary.open', { branchId: 'branch-1', reason: 'vacancy', description: '空缺' })).toBe(false);
    expect(check('secretary.joint-review', {})).toBe(true);
    expect(check('secretary.joint-review', { opinion: 'x'.repeat(2001) })).toBe(false);
    expect(check('secretary.decision', { opinion: '同意' })).toBe(true);
    expect(check('secretary.decision', { opinion: '同意', approve: true })).toBe(false);
    expect(check('secretary.interview', { candidateName: '张三', findings: '群众认可度高', interviewees: 35 })).toBe(true);
    expect(check('secretary.interview', { candidateName: '张三', findings: '群众认可度高', interviewees: 0 })).toBe(false);
    const election = { meetingDate: '2025-05-20', eligible: 50, present: 45, for: 30, against: 10, abstain: 5, effectiveDate: '2025-05-20' };
    expect(check('secretary.election', election)).toBe(true);
    expect(check('secretary.election', { ...election, for: -1 })).toBe(false);
    expect(check('secretary.election', { ...election, present: 44.5 })).toBe(false);
    expect(check('secretary.election', { ...election, effectiveDate: '20250520' })).toBe(false);
    expect(check('secretary.appointment', { orderNumber: '某乡党委〔2025〕12号', effectiveDate: '2025-05-20' })).toBe(true);
    expect(check('secretary.appointment', { orderNumber: '某乡党委〔2025〕12号' })).toBe(false);
    expect(check('objection.verification', { substantiated: false, explanation: '经核实，反映问题不属实' })).toBe(true);
    expect(check('objection.verification', { substantiated: 'no', explanation: '经核实' })).toBe(false);
  });
});
