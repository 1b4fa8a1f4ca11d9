import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Alert } from 'antd';
import { api } from '../api';

export type CalendarCoverage = { publishedYears: number[]; warnings: { year: number; openTasks: number; openTasksCapped: boolean; message: string }[] };

/** Which years have their holidays entered, and the warnings for this user (GET /api/calendar/coverage); reloaded when `reloadKey` changes. */
export function useCalendarCoverage(reloadKey = 0): CalendarCoverage | null {
  const [coverage, setCoverage] = useState<CalendarCoverage | null>(null);
  useEffect(() => {
    api
      .get<CalendarCoverage>('/api/calendar/coverage')
      .then(setCoverage)
      .catch(() => setCoverage(null));
  }, [reloadKey]);
  return coverage;
}

/**
 * 节假日安排尚未录入: one warning per year whose State Council holidays are not entered while deadlines
 * fall in it (the API decides which years matter and gives the text); `link` offers the way to enter it.
 */
export function CalendarWarnings({ coverage, link = false }: { coverage: CalendarCoverage | null; link?: boolean }) {
  if (!coverage?.warnings.length) return null;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8, marginBottom: 16 }}>
      {coverage.warnings.map((w) => (
        <Alert
          key={w.year}
          type="warning"
          showIcon
          data-testid={`calendar-warning-${w.year}`}
          title={w.message}
          action={link ? <Link to={`/admin/policies?tab=calendar&year=${w.year}`}>去录入{w.year}年节假日</Link> : undefined}
        />
      ))}
    </div>
  );
}

/** The warnings fetched on their own (the inbox and the board show them above their content). */
export function LoadedCalendarWarnings({ link = false }: { link?: boolean }) {
  return <CalendarWarnings coverage={useCalendarCoverage()} link={link} />;
}
