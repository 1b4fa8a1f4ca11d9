import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Badge, Button, Empty, List, Popover, Tag, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { api } from '../api';
import { formatTime, label, notificationKindNames } from '../labels';
import type { Notification, NotificationPage } from '../types';

const POLL_MS = 30_000;

export function notificationTarget(n: Notification): string | null {
  if (n.taskId) return `/tasks/${n.taskId}`;
  if (n.caseId) return `/cases/${n.caseId}`;
  return null;
}

/** Unread count in the header, polled; the popover shows the latest and marks what is opened as read. */
export function NotificationBell() {
  const navigate = useNavigate();
  const [page, setPage] = useState<NotificationPage | null>(null);
  const [open, setOpen] = useState(false);

  const load = useCallback(() => {
    api
      .get<NotificationPage>('/api/notifications', { limit: 8 })
      .then(setPage)
      .catch(() => {}); // the bell is optional: never break the page over it
  }, []);

  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  const openOne = async (n: Notification) => {
    if (!n.readAt) await api.post(`/api/notifications/${n.id}/read`).catch(() => {});
    setOpen(false);
    load();
    const target = notificationTarget(n);
    if (target) navigate(target);
  };

  const readAll = async () => {
    await api.post('/api/notifications/read-all').catch(() => {});
    load();
  };

  const content = (
    <div style={{ width: 360 }}>
      <List
        size="small"
        dataSource={page?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无通知" /> }}
        renderItem={(n) => (
          <List.Item onClick={() => void openOne(n)} style={{ cursor: 'pointer', opacity: n.readAt ? 0.6 : 1 }}>
            <List.Item.Meta
              title={
                <span>
                  <Tag color={n.kind === 'escalation' || n.kind === 'supervision' ? 'red' : 'blue'}>{label(notificationKindNames, n.kind)}</Tag>
                  {n.title}
                </span>
              }
              description={formatTime(n.createdAt)}
            />
          </List.Item>
        )}
      />
      <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 8 }}>
        <Button size="small" type="link" onClick={() => void readAll()} disabled={!page?.unreadCount}>
          全部标为已读
        </Button>
        <Button
          size="small"
          type="link"
          onClick={() => {
            setOpen(false);
            navigate('/notifications');
          }}
        >
          查看全部
        </Button>
      </div>
    </div>
  );

  return (
    <Popover content={content} title={<Typography.Text strong>通知</Typography.Text>} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Badge count={page?.unreadCount ?? 0} size="small">
        <Button type="text" shape="circle" icon={<BellOutlined style={{ fontSize: 18 }} />} aria-label="通知" />
      </Badge>
    </Popover>
  );
}
