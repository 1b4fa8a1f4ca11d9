import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Card, List, Segmented, Tag } from 'antd';
import { api } from '../api';
import { formatTime, label, notificationKindNames } from '../labels';
import { useKeysetList } from '../hooks';
import { notificationTarget } from '../layout/NotificationBell';
import type { Notification, NotificationPage } from '../types';

export function NotificationsPage() {
  const navigate = useNavigate();
  const [unread, setUnread] = useState<'all' | 'unread'>('unread');
  const list = useKeysetList<Notification, NotificationPage>('/api/notifications', { limit: 20, unread: unread === 'unread' ? true : undefined });

  return (
    <Card
      title="通知"
      extra={<Segmented value={unread} onChange={(v) => setUnread(v as 'all' | 'unread')} options={[{ value: 'unread', label: '未读' }, { value: 'all', label: '全部' }]} />}
    >
      <List
        loading={list.loading}
        dataSource={list.items}
        locale={{ emptyText: unread === 'unread' ? '没有未读通知' : '暂无通知' }}
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
      {list.hasMore && (
        <Button block onClick={() => void list.loadMore()} loading={list.loading}>
          加载更多
        </Button>
      )}
    </Card>
  );
}
