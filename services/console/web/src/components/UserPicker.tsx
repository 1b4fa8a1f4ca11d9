import { useEffect, useRef, useState } from 'react';
import { Select, Spin } from 'antd';
import { api } from '../api';

type UserOption = { value: string; label: string };

/**
 * Searches /api/users as the official types (转办 / 加签 / 抄送 targets); with `fullMemberOf`, only the
 * full members of that branch (培养联系人 / 入党介绍人). Names are shown, never ids.
 */
export function UserPicker(props: {
  value?: string | string[];
  onChange?: (v: string | string[]) => void;
  multiple?: boolean;
  maxCount?: number;
  fullMemberOf?: string;
  placeholder?: string;
  id?: string;
}) {
  const [options, setOptions] = useState<UserOption[]>([]);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const search = (q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setLoading(true);
      api
        .get<{ items: { id: string; username: string; displayName: string }[] }>('/api/users', { q: q.trim() || undefined, limit: 20, fullMemberOf: props.fullMemberOf })
        .then((r) => setOptions(r.items.map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }))))
        .catch(() => {})
        .finally(() => setLoading(false));
    }, 250);
  };

  useEffect(() => {
    search('');
    return () => clearTimeout(timer.current);
  }, []);

  return (
    <Select
      showSearch={{ filterOption: false, onSearch: search }}
      id={props.id}
      mode={props.multiple ? 'multiple' : undefined}
      maxCount={props.maxCount}
      value={props.value}
      onChange={props.onChange}
      options={options}
      placeholder={props.placeholder ?? '输入姓名或用户名搜索'}
      notFoundContent={loading ? <Spin size="small" /> : '无匹配人员'}
      style={{ width: '100%' }}
    />
  );
}
