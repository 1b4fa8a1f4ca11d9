import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Card, List, Segmented, Tag } from 'antd';
import { api } from '../api';
import { formatTime, label, notificationKindNames } from '../labels';
import { notificationTarget } from '../layout/NotificationBell';
import type { Notification, NotificationPage } from '../types';

export function NotificationsPage() {
  const navigate = useNavigate();
  const [unread, setUnread] = useState<'all' | 'unread'>('unread');
  const [items, setItems] = useState<Notification[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        const page = await api.get<NotificationPage>('/api/notifications', { limit: 20, cursor: after, unread: unread === 'unread' ? true : undefined });
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } finally {
        setLoading(false);
      }
    },
    [unread],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <Card
      title="通知"
      extra={<Segmented value={unread} onChange={(v) => setUnread(v as 'all' | 'unread')} options={[{ value: 'unread', label: '未读' }, { value: 'all', label: '全部' }]} />}
    >
      <List
        loading={loading}
        dataSource={items}
        renderItem={(n) => (
          <List.Item
            style={{ cursor: 'pointer' }}
            onClick={async () => {
              if (!n.readAt) await api.post(`/api/notifications/${n.id}/read`).catch(() => {});
              const target = notificationTarget(n);
              if (target) navigate(target);
            }}
          >
            <List.Item.Meta title={<span><Tag>{label(notificationKindNames, n.kind)}</Tag>{n.title}</span>} description={formatTime(n.createdAt)} />
            {!n.readAt && <Tag color="red">未读</Tag>}
          </List.Item>
        )}
      />
      {cursor && (
        <Button block onClick={() => void load(cursor)} loading={loading}>
          加载更多
        </Button>
      )}
    </Card>
  );
}
