import { Tag, Timeline, Typography } from 'antd';
import { enumNames, eventNames, fieldNames, formatTime, label } from '../labels';
import type { RecordEvent } from '../types';
import { findingText } from './TaskFacts';

const FINDINGS = new Set(['vote.counted', 'election.counted', 'meeting.counted', 'candidates.screened', 'case.sent-back', 'election.path', 'candidate.membership-checked']);

const COLORS: Record<string, string> = {
  'task.approve': 'green',
  'task.forward': 'green',
  'case.closed': 'green',
  'task.reject': 'red',
  'task.return': 'orange',
  'case.sent-back': 'orange',
  'task.escalated': 'red',
  'task.reminded': 'orange',
  'case.deadline-warning': 'orange',
};

function formSummary(form: unknown): string | null {
  if (!form || typeof form !== 'object') return null;
  const parts = Object.entries(form as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null && v !== '' && typeof v !== 'object')
    .slice(0, 4)
    .map(([k, v]) => `${fieldNames[k] ?? k}：${typeof v === 'boolean' ? (v ? '是' : '否') : (enumNames[String(v)] ?? String(v))}`);
  return parts.length ? parts.join('；') : null;
}

/** 全程纪实: every event of the case with who was responsible, oldest first. */
export function RecordTimeline({ record }: { record: RecordEvent[] }) {
  return (
    <Timeline
      data-testid="record"
      items={record.map((e) => {
        const data = e.data ?? {};
        const title = typeof data.title === 'string' ? data.title : null;
        const comment = typeof data.comment === 'string' ? data.comment : null;
        // A rule's finding says what it found and what followed (通过 / 未通过，重新选举 / 退回 with the reason).
        const finding = FINDINGS.has(e.type) ? findingText(e.type, data) : null;
        const summary = finding?.text ?? formSummary(data.form);
        return {
          key: e.seq,
          color: finding ? (finding.ok ? 'green' : 'orange') : (COLORS[e.type] ?? 'blue'),
          content: (
            <div>
              <div>
                <Typography.Text strong>{label(eventNames, e.type)}</Typography.Text>
                {title && <Typography.Text> · {title}</Typography.Text>}
                {e.actor?.name && <Tag style={{ marginLeft: 8 }}>{e.actor.name}</Tag>}
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatTime(e.at)}
              </Typography.Text>
              {comment && <div style={{ marginTop: 4 }}>“{comment}”</div>}
              {summary && <div style={{ marginTop: 4, color: '#595959' }}>{summary}</div>}
            </div>
          ),
        };
      })}
    />
  );
}
