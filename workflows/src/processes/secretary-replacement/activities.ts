import { randomUUID } from 'node:crypto';
import { appendCaseEvent, committeeMembers, loadPolicy, unitMembers, type Db } from '@dj/db';
import type { SecretaryActivities } from '../../human-step/activity-types';

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
const date = (s: string) => new Date(`${s}T00:00:00Z`);

export function createSecretaryActivities({ db }: { db: Db }): SecretaryActivities {
  return {
    async loadSecretaryPolicies() {
      const [negativeList, election] = await Promise.all([loadPolicy(db, 'secretary.negative-list'), loadPolicy(db, 'secretary.election')]);
      return { negativeList, election };
    },

    async setBranchSecretary({ caseId, branchId, name, since, method, personId }) {
      await db.$transaction(async (t) => {
        const now = new Date();
        // Posts of one unit change one at a time (as appointRole in @dj/db), and a retry finds the work done.
        await t.$queryRaw`SELECT id FROM org_unit WHERE id = ${branchId} FOR UPDATE`;
        const branch = await t.orgUnit.findUniqueOrThrow({ where: { id: branchId } });
        const done = await t.caseEvent.findFirst({ where: { caseId, idemKey: 'branch.secretary-updated' }, select: { seq: true } });
        if (done) return;
        const posts: { ended: { personId: string; role: string }[]; appointed?: string } = { ended: [] };
        if (personId) {
          // The previous secretary's post and the new secretary's other post in the branch end the day the new one takes office.
          const open = await t.orgRole.findMany({ where: { orgId: branchId, startOn: { lt: date(since) }, OR: [{ endOn: null }, { endOn: { gt: date(since) } }] } });
          for (const r of open.filter((r) => r.role === 'secretary' || r.personId === personId)) {
            await t.orgRole.update({ where: { id: r.id }, data: { endOn: date(since) } });
            posts.ended.push({ personId: r.personId, role: r.role });
          }
          // A post starting on that very day (补选 on the day of approval) gives way to the secretary's post.
          await t.orgRole.deleteMany({ where: { orgId: branchId, personId, startOn: { gte: date(since) } } });
          const id = randomUUID();
          await t.orgRole.create({ data: { id, orgId: branchId, personId, role: 'secretary', startOn: date(since), reason: `书记选配（${method === 'election' ? '选举，上级党组织批准' : '任命'}）` } });
          posts.appointed = id;
        }
        await t.orgUnit.update({ where: { id: branchId }, data: { secretaryName: name, secretarySince: date(since) } });
        await appendCaseEvent(t, {
          caseId,
          idemKey: 'branch.secretary-updated',
          type: 'branch.secretary-updated',
          actorName: '系统',
          orgId: branchId,
          data: { branch: branch.name, previous: branch.secretaryName, secretary: name, since, method, ...(personId ? { personId, posts } : {}) },
          at: now,
        });
      });
    },

    async branchElectionFacts({ branchId, on, candidate }) {
      const [members, committee] = await Promise.all([unitMembers(db, branchId, on), committeeMembers(db, branchId, on)]);
      const full = members.filter((m) => m.status === 'full');
      const people = await db.person.findMany({ where: { id: { in: members.map((m) => m.personId) }, name: candidate.name, birthDate: date(candidate.birthDate) } });
      const p = people[0];
      return {
        fullMembers: full.length,
        committee: committee.filter((c) => c.role !== 'group_leader').map((c) => ({ personId: c.personId, name: c.name, role: c.role })),
        ...(p && people.length === 1 ? { match: { personId: p.id, name: p.name, birthDate: day(p.birthDate)!, joinedOn: day(p.joinedOn)!, fullOn: day(p.fullOn) } } : {}),
      };
    },

    async addCommitteeMember({ caseId, branchId, personId, name, since }) {
      await db.$transaction(async (t) => {
        await t.$queryRaw`SELECT id FROM org_unit WHERE id = ${branchId} FOR UPDATE`;
        const idemKey = `committee.member-added:${personId}:${since}`;
        if (await t.caseEvent.findFirst({ where: { caseId, idemKey }, select: { seq: true } })) return;
        const held = await t.orgRole.findFirst({ where: { orgId: branchId, personId, startOn: { lte: date(since) }, OR: [{ endOn: null }, { endOn: { gt: date(since) } }] } });
        if (!held) await t.orgRole.create({ data: { id: randomUUID(), orgId: branchId, personId, role: 'member', startOn: date(since), reason: '党员大会补选（报上级党组织备案）' } });
        await appendCaseEvent(t, { caseId, idemKey, type: 'committee.member-added', actorName: '系统', orgId: branchId, data: { personId, name, since, alreadyHeld: Boolean(held) }, at: new Date() });
      });
    },

    async recordFirstSecretary({ caseId, branchId, name, unit, actor, idemKey }) {
      await db.$transaction(async (t) => {
        await t.orgUnit.update({ where: { id: branchId }, data: { firstSecretaryName: name } });
        await appendCaseEvent(t, { caseId, idemKey, type: 'branch.first-secretary', actorId: actor.userId, actorName: actor.name, orgId: branchId, data: { name, unit }, at: new Date() });
      });
    },
  };
}
