import { useEffect, useMemo, useState } from 'react';
import { App, Card, Col, DatePicker, Empty, Row, Space, TreeSelect } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../../api';
import { Chart, type ChartOption } from '../../components/Chart';
import { orgTree, useOrgs } from '../../hooks';
import { caseTypeNames, label } from '../../labels';

type Stats = {
  byStage: { type: string; typeName?: string; stage: string; stageName?: string; count: number }[];
  onTimeByStep: { type: string; stepKey: string; name: string; closed: number; onTime: number; rate: number }[];
  trend: { month: string; opened: number; closed: number; overdue: number }[];
};

/** 统计分析: cases by stage, on-time rate per step, monthly trend. */
export default function StatsPage() {
  const { message } = App.useApp();
  const orgs = useOrgs();
  const tree = useMemo(() => orgTree(orgs), [orgs]);
  const [orgId, setOrgId] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);

  useEffect(() => {
    api
      .get<Stats>('/api/admin/stats', { orgId, from: range?.[0]?.startOf('day').toISOString(), to: range?.[1]?.endOf('day').toISOString() })
      .then(setStats)
      .catch((e: Error) => message.error(e.message));
  }, [orgId, range, message]);

  const byStage = useMemo<ChartOption>(() => {
    const rows = stats?.byStage ?? [];
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 220, right: 24, top: 16, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((r) => `${label(caseTypeNames, r.type, r.typeName)} · ${r.stageName ?? r.stage}`), axisLabel: { width: 210, overflow: 'truncate' } },
      series: [{ type: 'bar', data: rows.map((r) => r.count), itemStyle: { color: '#c8161d' }, barMaxWidth: 24 }],
    };
  }, [stats]);

  const onTime = useMemo<ChartOption>(() => {
    const rows = stats?.onTimeByStep ?? [];
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${Number(v).toFixed(0)}%` },
      grid: { left: 48, right: 24, top: 16, bottom: 72 },
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: [{ type: 'bar', data: rows.map((r) => Math.round(r.rate * 100)), itemStyle: { color: '#1677ff' }, barMaxWidth: 32 }],
    };
  }, [stats]);

  const trend = useMemo<ChartOption>(() => {
    const rows = stats?.trend ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { data: ['发起', '办结', '超期'], top: 0 },
      grid: { left: 40, right: 24, top: 40, bottom: 24 },
      xAxis: { type: 'category', data: rows.map((r) => r.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: '发起', type: 'line', data: rows.map((r) => r.opened) },
        { name: '办结', type: 'line', data: rows.map((r) => r.closed) },
        { name: '超期', type: 'line', data: rows.map((r) => r.overdue), itemStyle: { color: '#f5222d' } },
      ],
    };
  }, [stats]);

  const empty = (n: number | undefined) => (n ? null : <Empty description="暂无数据" />);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap>
          <TreeSelect allowClear placeholder="组织（含下级）" style={{ width: 240 }} treeData={tree} treeDefaultExpandAll value={orgId} onChange={setOrgId} />
          <DatePicker.RangePicker value={range} onChange={setRange} placeholder={['发起从', '发起至']} />
        </Space>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title="在办事项（按环节）">{empty(stats?.byStage.length) ?? <Chart option={byStage} testId="chart-stage" />}</Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title="各环节按时办结率">{empty(stats?.onTimeByStep.length) ?? <Chart option={onTime} testId="chart-ontime" />}</Card>
        </Col>
        <Col span={24}>
          <Card title="月度趋势">{empty(stats?.trend.length) ?? <Chart option={trend} height={280} testId="chart-trend" />}</Card>
        </Col>
      </Row>
    </Space>
  );
}
