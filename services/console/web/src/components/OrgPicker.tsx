import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { api } from '../api';
import type { Org } from '../types';

/**
 * Picks an organization by name from /api/orgs (e.g. the second branch of a dual-managed applicant);
 * `parent`: only the units directly under that one (the 党小组 of a branch).
 */
export function OrgPicker(props: { value?: string; onChange?: (v: string | undefined) => void; type?: string; exclude?: string; parent?: string; id?: string }) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  useEffect(() => {
    api
      .get<{ items: Org[] }>('/api/orgs')
      .then((r) => setOrgs(r.items))
      .catch(() => {});
  }, []);
  const byId = new Map(orgs.map((o) => [o.id, o.name]));
  // The name with its parent's, so that two 第一党支部 of different villages differ (not needed when all share one parent).
  const label = (o: Org) => {
    if (props.parent) return o.name;
    const parent = o.path.split('/').filter(Boolean).at(-2);
    return parent && byId.get(parent) ? `${o.name}（${byId.get(parent)}）` : o.name;
  };
  return (
    <Select
      id={props.id}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      value={props.value}
      onChange={(v: string | undefined) => props.onChange?.(v)}
      placeholder="输入名称搜索"
      options={orgs
        .filter((o) => (!props.type || o.type === props.type) && o.id !== props.exclude && (!props.parent || o.parentId === props.parent))
        .map((o) => ({ value: o.id, label: label(o) }))}
      style={{ width: '100%' }}
    />
  );
}
