/**
 * What a step decides on (issue 16 point 1): every earlier step's submitted form, rendered with the
 * schema's Chinese titles (candidates as cards with their negative-list screening), the rules the
 * process applied (votes, screening, send-backs) and, on a 核实 task, the objection and who raised it.
 */
import { Alert, Card, Descriptions, Empty, Space, Tag, Typography } from 'antd';
import { actionNames, enumNames, fieldNames, formatTime } from '../labels';
import type { JsonSchema, TaskFacts as Facts } from '../types';

type Hit = { ruleId: string; label: string; detail: string };
type Screened = { round: number; asOf: string; results: { name: string; source: string; hits: Hit[] }[] };
type Votes = { eligible?: number; expected?: number; present: number; written?: number; for: number; against: number; abstain: number };

/** The part of a "中文 / English" or "中文 (English)" text a person reads. */
const zh = (s: unknown): string => (typeof s === 'string' ? s.split(' / ')[0]!.replace(/\s+\([^)]*\)\s*$/, '') : '');

function valueText(v: unknown, s: JsonSchema | undefined, names: Record<string, string>): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (s?.enum) {
    const i = s.enum.indexOf(v);
    return (i >= 0 ? s['x-enumNames']?.[i] : undefined) ?? enumNames[String(v)] ?? String(v);
  }
  if (Array.isArray(v)) return v.map((x) => valueText(x, s?.items, names)).join('、');
  if (typeof v === 'string') return names[v] ?? enumNames[v] ?? v;
  return String(v);
}

/** A submitted form as label / value rows; nested objects and arrays of objects as their own blocks. */
export function FormView({ schema, value, names }: { schema: JsonSchema | undefined; value: Record<string, unknown>; names: Record<string, string> }) {
  const props = schema?.properties ?? {};
  const keys = Object.keys(schema?.properties ?? value).filter((k) => value[k] !== undefined);
  return (
    <Descriptions column={1} size="small" bordered styles={{ label: { width: 180 } }}>
      {keys.map((k) => {
        const s = props[k];
        const v = value[k];
        const label = s?.title ?? fieldNames[k] ?? k;
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          return (
            <Descriptions.Item key={k} label={label}>
              <FormView schema={s} value={v as Record<string, unknown>} names={names} />
            </Descriptions.Item>
          );
        }
        if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) {
          return (
            <Descriptions.Item key={k} label={label}>
              <Space orientation="vertical" style={{ width: '100%' }}>
                {v.map((x, i) => (
                  <Card key={i} size="small" title={`${s?.items?.title ?? label} ${i + 1}`}>
                    <FormView schema={s?.items} value={x as Record<string, unknown>} names={names} />
                  </Card>
                ))}
              </Space>
            </Descriptions.Item>
          );
        }
        return (
          <Descriptions.Item key={k} label={label}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{valueText(v, s, names)}</span>
          </Descriptions.Item>
        );
      })}
    </Descriptions>
  );
}

/** Candidates (提出人选) as cards, each with the result of the negative-list screen that followed. */
function CandidateCards({ candidates, schema, screened, names }: { candidates: Record<string, unknown>[]; schema: JsonSchema | undefined; screened: Screened | undefined; names: Record<string, string> }) {
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {candidates.map((c, i) => {
        const result = screened?.results.find((r) => r.name === c.name);
        return (
          <Card
            key={i}
            size="small"
            data-testid="candidate-card"
            title={String(c.name ?? `人选 ${i + 1}`)}
            extra={
              !result ? <Tag>未审查</Tag> : result.hits.length ? <Tag color="error">触及负面清单</Tag> : <Tag color="success">通过负面清单审查</Tag>
            }
          >
            <FormView schema={schema?.properties?.candidates?.items} value={c} names={names} />
            {result && result.hits.length > 0 && (
              <Alert
                style={{ marginTop: 8 }}
                type="error"
                title={result.hits.map((h) => `${h.label}：${h.detail}`).join('；')}
              />
            )}
          </Card>
        );
      })}
    </Space>
  );
}

const stepNames: Record<string, string> = {
  'members-recommendation': '党员推荐',
  'masses-evaluation': '群众评议',
  'members-evaluation': '党员评议',
  'admission-meeting': '支部大会（接收预备党员）',
  'full-meeting': '支部大会（讨论转正）',
};

const electionStepNames: Record<string, string> = {
  'by-election': '党员大会补选支部委员',
  'committee-election': '支部委员会选举书记',
  'general-meeting-election': '党员大会选举书记',
};

/** A rule's finding as a sentence: the counts, the rule applied and what followed. */
export function findingText(type: string, data: Record<string, unknown>): { text: string; ok: boolean | null } {
  if (type === 'vote.counted') {
    const v = data.votes as Votes;
    const t = data.threshold as { numerator: number; denominator: number; strict: boolean } | undefined;
    const rule = t ? `规则：赞成票${t.strict ? '超过' : '不少于'}实到人数的 ${t.numerator}/${t.denominator}` : '';
    return { text: `${stepNames[String(data.step)] ?? ''}：应到 ${v.eligible ?? v.expected ?? '—'}，实到 ${v.present}，赞成 ${v.for}，反对 ${v.against}，弃权 ${v.abstain}。${rule}。${data.passed ? '通过' : '未通过，重新表决'}`, ok: Boolean(data.passed) };
  }
  if (type === 'election.path') {
    return { text: `${String(data.rule ?? '')}。本支部正式党员 ${String(data.fullMembers ?? '—')} 名${data.candidateOnCommittee ? '，人选已是支部委员，无需补选' : ''}。`, ok: null };
  }
  if (type === 'candidate.membership-checked') {
    return data.eligible
      ? { text: `${String(data.candidate ?? '')}：本支部正式党员，党龄 ${String(data.partyAgeYears ?? '—')} 年（${String(data.rule ?? '')}）`, ok: true }
      : { text: `${String(data.reason ?? '').split(' / ')[0]}（${String(data.rule ?? '')}），退回重新提出人选`, ok: false };
  }
  if (type === 'election.counted' && data.step) {
    // 书记选配 as the election rules have it (issue 14): the meeting itself is on the step's record with its roster and rule.
    const v = data.votes as Votes;
    const rule = data.step === 'committee-election' ? '规则：到会委员须超过半数，赞成票须超过应到委员的半数，无记名投票' : '规则：到会人数须超过应到人数的4/5（默认，可由政策调整），赞成票须超过实到人数的半数，无记名投票';
    return { text: `${electionStepNames[String(data.step)] ?? '选举'} ${String(data.candidate ?? '')}：实到 ${v.present}，赞成 ${v.for}，反对 ${v.against}，弃权 ${v.abstain}。${rule}。${data.elected ? '当选' : '未当选，退回重新提出人选'}`, ok: Boolean(data.elected) };
  }
  if (type === 'election.counted') {
    const v = data.votes as Votes;
    const outcome = !data.quorumMet ? '到会人数未达法定人数，选举无效，重新选举' : data.elected ? '当选' : '未当选（赞成票未超过实到人数半数）';
    return { text: `选举 ${String(data.candidate ?? '')}：应到 ${v.eligible}，实到 ${v.present}，赞成 ${v.for}，反对 ${v.against}，弃权 ${v.abstain}。规则：到会人数须超过应到人数的4/5（默认，可由政策调整），赞成票须超过实到人数的半数。${outcome}`, ok: Boolean(data.quorumMet && data.elected) };
  }
  if (type === 'meeting.counted') {
    const v = data.votes as Votes;
    const outcome = !data.quorumMet ? '到会人数未过半数，会议无效，重新召开' : data.passed ? '通过' : '未通过';
    return {
      text: `${stepNames[String(data.step)] ?? '支部大会'}${data.proposalLabel ? `（${String(data.proposalLabel)}）` : ''}：应到 ${v.expected}，实到 ${v.present}，书面意见 ${v.written ?? 0}，赞成 ${v.for}，反对 ${v.against}，弃权 ${v.abstain}。规则：有表决权的到会党员须超过应到人数的半数，赞成人数须超过应到会有表决权党员的半数。${outcome}`,
      ok: Boolean(data.quorumMet && data.passed),
    };
  }
  if (type === 'candidates.screened') {
    const s = data as unknown as Screened;
    return {
      text: `第 ${s.round} 轮负面清单审查（${s.asOf}）：${s.results.map((r) => (r.hits.length ? `${r.name} 触及 ${r.hits.map((h) => h.label).join('、')}` : `${r.name} 通过`)).join('；')}`,
      ok: s.results.some((r) => !r.hits.length),
    };
  }
  if (type === 'case.sent-back') return { text: `退回重办：${zh(data.reason) || '（未说明）'}`, ok: false };
  return { text: Object.entries(data).map(([k, v]) => `${fieldNames[k] ?? k}：${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('；'), ok: null };
}

export function TaskFactsView({ facts }: { facts: Facts }) {
  const screenings = facts.findings.filter((f) => f.type === 'candidates.screened');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="task-facts">
      {facts.objection && (
        <Card title="公示异议" size="small" data-testid="objection">
          <Descriptions column={1} size="small" bordered styles={{ label: { width: 140 } }}>
            <Descriptions.Item label="公示">{facts.objection.noticeTitle}</Descriptions.Item>
            <Descriptions.Item label="异议人">{facts.objection.name}</Descriptions.Item>
            <Descriptions.Item label="联系电话">{facts.objection.phone}</Descriptions.Item>
            <Descriptions.Item label="受理编号">{facts.objection.receiptNo}</Descriptions.Item>
            <Descriptions.Item label="提出时间">{formatTime(facts.objection.createdAt)}</Descriptions.Item>
            <Descriptions.Item label="异议内容">
              <span style={{ whiteSpace: 'pre-wrap' }}>{facts.objection.content}</span>
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      {facts.findings.length > 0 && (
        <Card title="规则判定" size="small" data-testid="findings">
          <Space orientation="vertical" style={{ width: '100%' }}>
            {facts.findings
              .filter((f) => ['vote.counted', 'election.counted', 'meeting.counted', 'candidates.screened', 'case.sent-back'].includes(f.type))
              .map((f) => {
                const { text, ok } = findingText(f.type, f.data);
                return <Alert key={f.seq} type={ok === null ? 'info' : ok ? 'success' : 'warning'} title={text} description={formatTime(f.at)} />;
              })}
          </Space>
        </Card>
      )}
      <Card title="已提交的材料" size="small" data-testid="submissions">
        {facts.submissions.length === 0 && <Empty description="尚无前序环节提交的材料" />}
        <Space orientation="vertical" style={{ width: '100%' }}>
          {facts.submissions.map((s) => {
            const schema = s.formId ? facts.schemas[s.formId] : undefined;
            const candidates = Array.isArray(s.form?.candidates) ? (s.form.candidates as Record<string, unknown>[]) : null;
            const screened = candidates ? (screenings.find((f) => f.seq > s.seq)?.data as Screened | undefined) : undefined;
            return (
              <Card
                key={s.seq}
                size="small"
                type="inner"
                title={s.title}
                extra={
                  <Typography.Text type="secondary">
                    {actionNames[s.action] ?? s.action} · {s.actor ?? '系统'} · {formatTime(s.at)}
                  </Typography.Text>
                }
              >
                {candidates ? (
                  <CandidateCards candidates={candidates} schema={schema} screened={screened} names={facts.names} />
                ) : (
                  s.form && <FormView schema={schema} value={s.form} names={facts.names} />
                )}
                {s.comment && <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }}>意见：{s.comment}</Typography.Paragraph>}
              </Card>
            );
          })}
        </Space>
      </Card>
    </Space>
  );
}
