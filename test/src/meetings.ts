/** A body's meeting as a test records it (issue 14): the whole roster the task detail expects present, voting for. */
import type { FastifyInstance } from 'fastify';
import { bearer } from './service-fixture';

export async function fullMeeting(inbox: FastifyInstance, token: string, taskId: string, resolution = '同意。', meetingDate = '2026-11-20'): Promise<Record<string, unknown>> {
  // The roster on the meeting's own date (other test files change committees of the demo branches).
  const res = await inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}?meetingDate=${meetingDate}`, headers: bearer(token) });
  const roster = (res.json() as { meeting?: { roster: { id: string }[] } | null }).meeting?.roster ?? [];
  if (!roster.length) throw new Error(`task ${taskId} has no meeting roster: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const attendees = roster.map((m) => m.id);
  return { meetingDate, place: '党群服务中心', attendees, ballotMethod: 'show-of-hands', for: attendees.length, against: 0, abstain: 0, resolution };
}
