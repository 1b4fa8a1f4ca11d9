/**
 * What administrators may set each policy to: a JSON Schema per policy key (served to the console,
 * which renders the editor from it, and enforced by the API) plus the semantic rule the schema cannot
 * say (e.g. a fraction below one). Defaults live in policy.ts and secretary-replacement.ts.
 */
import { caseTypes } from './case-types';
import { isEscalationPolicy, isStepDuration } from './policy';
import { isElectionPolicy, isNegativeList } from './secretary-replacement';
import { declarationKeys, educationLevelIds } from '@dj/contracts';

export type JsonSchema = Record<string, unknown>;
export type PolicyDefinition = { name: string; schema: JsonSchema; valid(value: unknown): boolean };

const int = (minimum: number, maximum: number, title: string) => ({ type: 'integer', minimum, maximum, title });

const stepDurationSchema: JsonSchema = {
  type: 'object',
  title: '办理时限',
  properties: { workingDays: int(1, 3660, '办理时限（工作日）') },
  required: ['workingDays'],
  additionalProperties: false,
};

const escalationSchema: JsonSchema = {
  type: 'object',
  title: '提醒与督办',
  properties: {
    reminderLeadWorkingDays: int(0, 365, '到期前提醒（工作日）'),
    rungIntervalWorkingDays: int(1, 365, '逐级督办间隔（工作日）'),
    maxLevels: int(0, 10, '最多督办层级'),
  },
  required: ['reminderLeadWorkingDays', 'rungIntervalWorkingDays', 'maxLevels'],
  additionalProperties: false,
};

const fraction = (title: string) => int(0, 1000, title);
const electionSchema: JsonSchema = {
  type: 'object',
  title: '选举规则',
  description: '到会人数须超过应到会人数的 quorumNumerator/quorumDenominator；赞成票须超过实到会人数的 passNumerator/passDenominator（分子须小于分母）',
  properties: {
    quorumNumerator: fraction('有效到会比例·分子'),
    quorumDenominator: int(1, 1000, '有效到会比例·分母'),
    passNumerator: fraction('当选比例·分子'),
    passDenominator: int(1, 1000, '当选比例·分母'),
  },
  required: ['quorumNumerator', 'quorumDenominator', 'passNumerator', 'passDenominator'],
  additionalProperties: false,
};

const ruleBase = { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', title: '规则编号' }, label: { type: 'string', minLength: 1, maxLength: 200, title: '说明' } };
const rule = (kind: string, extra: Record<string, unknown>) => ({
  type: 'object',
  properties: { ...ruleBase, kind: { const: kind }, ...extra },
  required: ['id', 'label', 'kind', ...Object.keys(extra)],
  additionalProperties: false,
});
const negativeListSchema: JsonSchema = {
  type: 'array',
  title: '负面清单',
  maxItems: 100,
  items: {
    oneOf: [
      rule('declaration', { declaration: { type: 'string', enum: [...declarationKeys], title: '本人申报事项' } }),
      rule('max-age', { years: int(18, 100, '年龄上限') }),
      rule('min-education', { level: { type: 'string', enum: [...educationLevelIds], title: '最低学历' } }),
    ],
  },
};

/** Names of the step-duration policies (the key without its "duration." prefix). */
const stepNames: Record<string, string> = {
  'request-report.revise': '修改后重新提交',
  'request-report.township-review': '乡镇党委审核',
  'request-report.county-decision': '县委组织部审批',
  'secretary-replacement.propose': '提出人选',
  'secretary-replacement.joint-review': '县级联审',
  'secretary-replacement.interview': '考察谈话',
  'secretary-replacement.township-decision': '乡镇党委研究决定',
  'secretary-replacement.county-filing': '县委组织部备案',
  'secretary-replacement.public-notice': '任前公示期',
  'secretary-replacement.verify-objection': '异议核实',
  'secretary-replacement.election': '选举',
  'secretary-replacement.appointment': '任命',
};

/** A step's name for monitoring (stage keys and policy keys mostly coincide). */
export function stepName(caseType: string, stepKey: string): string {
  const key = `${caseType}.${stepKey}`;
  return stepNames[key] ?? stepNames[stepAliases[key] ?? ''] ?? stepKey;
}
const stepAliases: Record<string, string> = { 'secretary-replacement.propose-candidates': 'secretary-replacement.propose' };

const fixedDefinitions: Record<string, PolicyDefinition> = {
  'escalation.default': { name: '提醒与逐级督办', schema: escalationSchema, valid: isEscalationPolicy },
  'secretary.election': { name: '村党组织书记选举规则', schema: electionSchema, valid: isElectionPolicy },
  'secretary.negative-list': { name: '村党组织书记人选负面清单', schema: negativeListSchema, valid: isNegativeList },
};

/** The definition of a policy key; every `duration.<process>.<step>` key is a step duration. */
export function policyDefinition(key: string): PolicyDefinition | undefined {
  if (Object.hasOwn(fixedDefinitions, key)) return fixedDefinitions[key];
  if (key.startsWith('duration.')) {
    const step = key.slice('duration.'.length);
    const [caseType = '', stepKey = step] = step.split('.');
    return { name: `办理时限：${caseTypes[caseType]?.name ?? caseType}·${stepName(caseType, stepKey)}`, schema: stepDurationSchema, valid: isStepDuration };
  }
  return undefined;
}
