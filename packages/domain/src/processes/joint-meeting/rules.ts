/**
 * 党建联席会议 (domain.md §3): quarter arithmetic, who owns and runs a joint-meeting body, and the
 * figures of the per-quarter report. Pure.
 */
import type { OrgType } from '../../org-tree';

/** Member unit kinds of a joint meeting. */
export const jointMemberKinds = {
  'resident-unit': '驻区单位',
  'property-company': '物业公司',
  'owners-committee': '业委会',
  'residents-committee': '居委会',
  'police-station': '派出所',
  other: '其他',
} as const;
export type JointMemberKind = keyof typeof jointMemberKinds;

/** A body belongs to a district (county), street/township or community (village) committee. */
export const jointMeetingOrgTypes: readonly OrgType[] = ['county', 'township', 'village'];

export const agendaItemTypes = { need: '需求', resource: '资源', project: '项目' } as const;
export type AgendaItemType = keyof typeof agendaItemTypes;

export type Quarter = { label: string; startsAt: number; endsAt: number };

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/**
 * The quarter containing `at`: calendar quarters in China time, or with `quarterSeconds` (tests and
 * demos) consecutive periods of that length since the epoch, labelled T<n>.
 */
export function quarterAt(at: number, quarterSeconds?: number): Quarter {
  if (quarterSeconds !== undefined) {
    const len = quarterSeconds * 1000;
    const n = Math.floor(at / len);
    return { label: `T${n}`, startsAt: n * len, endsAt: (n + 1) * len };
  }
  const china = new Date(at + CHINA_OFFSET_MS);
  const year = china.getUTCFullYear();
  const q = Math.floor(china.getUTCMonth() / 3);
  return { label: `${year}Q${q + 1}`, startsAt: Date.UTC(year, q * 3, 1) - CHINA_OFFSET_MS, endsAt: Date.UTC(year, q * 3 + 3, 1) - CHINA_OFFSET_MS };
}

/** The quarter a label names ("2026Q3", or "T<n>" with compressed quarters); undefined if malformed. */
export function quarterByLabel(label: string, quarterSeconds?: number): Quarter | undefined {
  if (quarterSeconds !== undefined) {
    const m = /^T(\d{1,15})$/.exec(label);
    return m ? quarterAt(Number(m[1]) * quarterSeconds * 1000, quarterSeconds) : undefined;
  }
  const m = /^(\d{4})Q([1-4])$/.exec(label);
  if (!m) return undefined;
  return quarterAt(Date.UTC(Number(m[1]), (Number(m[2]) - 1) * 3, 1), undefined);
}

/** The quarter after `q`. */
export function nextQuarter(q: Quarter, quarterSeconds?: number): Quarter {
  return quarterAt(q.endsAt, quarterSeconds);
}

/**
 * By when the quarter's meeting must be held: the quarter's end; a quarter run late (backfilled after
 * it ended) gets one quarter's length from its start.
 */
export function meetingDeadline(q: Quarter, startedAt: number): number {
  return q.endsAt > startedAt ? q.endsAt : startedAt + (q.endsAt - q.startsAt);
}

export type DecisionStatus = 'open' | 'reported' | 'done' | 'dropped';
export type DecisionFacts = { status: DecisionStatus; dueAt: number; doneAt?: number | null; reportedAt?: number | null };

/** Done late = the owner's accepted report came after the due date. */
export function decisionLate(d: DecisionFacts, now: number): boolean {
  if (d.status === 'done') return (d.reportedAt ?? d.doneAt ?? now) > d.dueAt;
  if (d.status === 'dropped') return false;
  return now > d.dueAt;
}

export type QuarterReport = {
  held: boolean;
  /** Share of member units present at the quarter's meetings (null when none was held). */
  attendanceRate: number | null;
  decisions: number;
  doneOnTime: number;
  doneLate: number;
  open: number;
  openOverdue: number;
  dropped: number;
};

export function quarterReportFigures(input: {
  meetings: { held: boolean; attendance: { present: boolean }[] }[];
  decisions: DecisionFacts[];
  now: number;
}): QuarterReport {
  const held = input.meetings.filter((m) => m.held);
  const seats = held.flatMap((m) => m.attendance);
  const done = input.decisions.filter((d) => d.status === 'done');
  const open = input.decisions.filter((d) => d.status === 'open' || d.status === 'reported');
  return {
    held: held.length > 0,
    attendanceRate: seats.length ? Math.round((seats.filter((s) => s.present).length / seats.length) * 1000) / 1000 : null,
    decisions: input.decisions.length,
    doneOnTime: done.filter((d) => !decisionLate(d, input.now)).length,
    doneLate: done.filter((d) => decisionLate(d, input.now)).length,
    open: open.length,
    openOverdue: open.filter((d) => decisionLate(d, input.now)).length,
    dropped: input.decisions.filter((d) => d.status === 'dropped').length,
  };
}
