import { Descriptions, Tag } from 'antd';
import { caseStatusNames, caseTypeNames, enumNames, fieldNames, formatTime, label } from '../labels';

type CaseLike = { type: string; title: string; status: string; stage: string; stageName?: string; openedAt: string; overdue?: boolean; input?: Record<string, unknown> | null; orgName?: string };

function inputValue(v: unknown): string {
  if (v === null || v === undefined) return '无';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return `${v.length} 项`;
  // A nested object (the applicant, the second branch): its fields with their names; ids are not shown.
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .filter(([k, x]) => !k.endsWith('Id') && x !== undefined && x !== null)
      .map(([k, x]) => `${fieldNames[k] ?? k}：${inputValue(x)}`)
      .join('；');
  }
  return enumNames[String(v)] ?? String(v);
}

/** The case in a few lines: type, status, stage, when, and the initiator's input. */
export function CaseSummary({ c, stageName }: { c: CaseLike; stageName?: string }) {
  const status = caseStatusNames[c.status];
  const inputs = Object.entries(c.input ?? {}).filter(([k]) => k !== 'title');
  return (
    <Descriptions column={2} size="small" bordered>
      <Descriptions.Item label="标题" span={2}>
        {c.title}
      </Descriptions.Item>
      <Descriptions.Item label="流程">{label(caseTypeNames, c.type)}</Descriptions.Item>
      <Descriptions.Item label="状态">
        <Tag color={status?.color}>{status?.text ?? c.status}</Tag>
        {c.overdue && <Tag color="red">超期</Tag>}
      </Descriptions.Item>
      <Descriptions.Item label="当前环节">{stageName ?? c.stageName ?? c.stage}</Descriptions.Item>
      <Descriptions.Item label="发起时间">{formatTime(c.openedAt)}</Descriptions.Item>
      {c.orgName && <Descriptions.Item label="组织">{c.orgName}</Descriptions.Item>}
      {inputs.map(([k, v]) => (
        <Descriptions.Item key={k} label={fieldNames[k] ?? k} span={2}>
          <div style={{ whiteSpace: 'pre-wrap', maxHeight: 160, overflow: 'auto' }}>{inputValue(v)}</div>
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}
