/**
 * What administrators may set each policy to: a JSON Schema per policy key (served to the console,
 * which renders the editor from it, and enforced by the API) plus the semantic rule the schema cannot
 * say (e.g. a fraction below one). Defaults come from the process catalogues (processes/<type>/catalogue.ts).
 */
import { caseTypeName, stepName } from './display-names';
import { isVoteThreshold } from './processes/member-development/rules';
import { isMonthDuration } from './month-schedule';
import { isEscalationPolicy, isStepDuration, monthDurationDefaults } from './policy';
import { isElectionPolicy, isNegativeList } from './processes/secretary-replacement/rules';
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

const monthDurationSchema: JsonSchema = {
  type: 'object',
  title: '办理时限（月）',
  properties: { months: int(1, 120, '办理时限（自然月）') },
  required: ['months'],
  additionalProperties: false,
};

const voteThresholdSchema: JsonSchema = {
  type: 'object',
  title: '通过比例',
  description: '赞成票占实到人数的比例须达到 numerator/denominator（strict 为真时须超过）',
  properties: {
    numerator: int(1, 1000, '比例·分子'),
    denominator: int(1, 1000, '比例·分母'),
    strict: { type: 'boolean', title: '须超过（不含等于）' },
  },
  required: ['numerator', 'denominator', 'strict'],
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


const fixedDefinitions: Record<string, PolicyDefinition> = {
  'escalation.default': { name: '提醒与逐级督办', schema: escalationSchema, valid: isEscalationPolicy },
  'secretary.election': { name: '村党组织书记选举规则', schema: electionSchema, valid: isElectionPolicy },
  'secretary.negative-list': { name: '村党组织书记人选负面清单', schema: negativeListSchema, valid: isNegativeList },
  'member.recommendation-threshold': { name: '发展党员·双推通过比例', schema: voteThresholdSchema, valid: isVoteThreshold },
  'member.evaluation-threshold': { name: '发展党员·双评通过比例', schema: voteThresholdSchema, valid: isVoteThreshold },
};

/** The definition of a policy key; every `duration.<process>.<step>` key is a step duration. */
export function policyDefinition(key: string): PolicyDefinition | undefined {
  if (Object.hasOwn(fixedDefinitions, key)) return fixedDefinitions[key];
  if (key.startsWith('duration.')) {
    const step = key.slice('duration.'.length);
    const [caseType = '', stepKey = step] = step.split('.');
    const name = `办理时限：${caseTypeName(caseType)}·${stepName(caseType, stepKey)}`;
    return Object.hasOwn(monthDurationDefaults, step) ? { name, schema: monthDurationSchema, valid: isMonthDuration } : { name, schema: stepDurationSchema, valid: isStepDuration };
  }
  return undefined;
}
