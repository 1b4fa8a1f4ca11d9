import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Badge, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../api';
import { orgTypeNames } from '../../labels';
import { useAuth } from '../../auth';
import { LoadedCalendarWarnings } from '../../components/CalendarWarnings';

type BoardItem = {
  id: string;
  name: string;
  type: string;
  parentId: string | null;
  hasChildren: boolean;
  open: number;
  overdue: number;
  dueSoon: number;
  supervising: number;
  status: 'green' | 'yellow' | 'red';
};
type Row = BoardItem & { children?: Row[] };
type Board = { items: BoardItem[]; dueSoonWorkingDays?: number };

/** The colours as the API computes them (services/cases/src/monitoring-queries.ts boardStatus). */
const STATUS = {
  green: { color: '#52c41a', text: '正常', tag: 'success' },
  yellow: { color: '#faad14', text: '临期', tag: 'warning' },
  red: { color: '#f5222d', text: '超期', tag: 'error' },
} as const;

/** 图例: what each colour means, the due-soon window being the reminder's (policy 提醒与逐级督办). */
function legend(days: number | undefined) {
  const window = days === undefined ? '提醒期内到期' : `${days}个工作日内到期`;
  return [
    { key: 'green', color: STATUS.green.color, text: '绿：无临期/超期' },
    { key: 'yellow', color: STATUS.yellow.color, text: `黄：有临期事项（${window}）` },
    { key: 'red', color: STATUS.red.color, text: '红：有超期事项' },
  ];
}

/** Units whose children are not loaded yet get an empty children list, so the table offers to expand them. */
function toTree(items: BoardItem[]): Row[] {
  const rows = new Map<string, Row>(items.map((i) => [i.id, { ...i, ...(i.hasChildren ? { children: [] } : {}) }]));
  const roots: Row[] = [];
  for (const row of rows.values()) {
    const parent = row.parentId ? rows.get(row.parentId) : undefined;
    if (parent) (parent.children ??= []).push(row);
    else roots.push(row);
  }
  return roots;
}

/** Parents whose children are loaded: expanded at first. */
const loadedParents = (items: BoardItem[]) => [...new Set(items.map((i) => i.parentId).filter((id): id is string => !!id && items.some((p) => p.id === id)))];

/** 超期看板: the org tree with open / overdue / due-soon / 督办 counts per unit (its subtree), drill-down to the cases. */
export default function BoardPage() {
  const { message } = App.useApp();
  const { isSecurityAdmin } = useAuth();
  const navigate = useNavigate();
  const [items, setItems] = useState<BoardItem[]>([]);
  const [dueSoonDays, setDueSoonDays] = useState<number | undefined>(undefined);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    api
      .get<Board>('/api/admin/board')
      .then((r) => {
        setItems(r.items);
        setDueSoonDays(r.dueSoonWorkingDays);
        setExpanded(loadedParents(r.items));
      })
      .catch((e: Error) => message.error(e.message))
      .finally(() => setLoading(false));
  }, [message]);

  // The board comes a few levels at a time (a province has thousands of branches): a unit's next level loads when it is opened.
  const expand = useCallback(
    (open: boolean, row: Row) => {
      setExpanded((keys) => (open ? [...keys, row.id] : keys.filter((k) => k !== row.id)));
      if (!open || !row.hasChildren || items.some((i) => i.parentId === row.id)) return;
      api
        .get<{ items: BoardItem[] }>(`/api/admin/board?orgId=${encodeURIComponent(row.id)}&depth=1`)
        .then((r) => setItems((prev) => [...prev, ...r.items.filter((i) => !prev.some((p) => p.id === i.id))]))
        .catch((e: Error) => message.error(e.message));
    },
    [items, message],
  );

  const tree = useMemo(() => toTree(items), [items]);
  const drill = (orgId: string, overdue?: boolean) => navigate(`/admin/cases?orgId=${encodeURIComponent(orgId)}&status=open${overdue ? '&overdue=true' : ''}`);

  return (
    <Card
      title="超期看板"
      extra={
        <Space data-testid="board-legend" wrap>
          {legend(dueSoonDays).map((l) => (
            <Badge key={l.key} color={l.color} text={l.text} />
          ))}
        </Space>
      }
    >
      <LoadedCalendarWarnings link={isSecurityAdmin} />
      <Table<Row>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={tree}
        pagination={false}
        expandable={{ expandedRowKeys: expanded, onExpand: expand }}
        columns={[
          {
            title: '组织',
            dataIndex: 'name',
            render: (name: string, r) => (
              <Space>
                <Badge color={STATUS[r.status].color} />
                <Typography.Link onClick={() => drill(r.id)} data-testid={`board-org-${r.id}`}>
                  {name}
                </Typography.Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {orgTypeNames[r.type] ?? r.type}
                </Typography.Text>
              </Space>
            ),
          },
          { title: '在办', dataIndex: 'open', width: 100, align: 'right' },
          {
            title: '超期',
            dataIndex: 'overdue',
            width: 100,
            align: 'right',
            render: (n: number, r) =>
              n > 0 ? (
                <Button type="link" danger size="small" onClick={() => drill(r.id, true)} data-testid={`board-overdue-${r.id}`}>
                  {n}
                </Button>
              ) : (
                0
              ),
          },
          {
            title: '临期',
            dataIndex: 'dueSoon',
            width: 100,
            align: 'right',
            render: (n: number, r) => (n > 0 ? <Typography.Text type="warning" strong data-testid={`board-due-soon-${r.id}`}>{n}</Typography.Text> : 0),
          },
          { title: '督办', dataIndex: 'supervising', width: 100, align: 'right', render: (n: number) => (n > 0 ? <Typography.Text type="danger" strong>{n}</Typography.Text> : 0) },
          {
            title: '状态',
            dataIndex: 'status',
            width: 110,
            render: (s: Row['status'], r) => (
              <Tag color={STATUS[s].tag} data-testid={`board-status-${r.id}`}>
                {STATUS[s].text}
              </Tag>
            ),
          },
        ]}
      />
    </Card>
  );
}
