import { appendCaseEvent, loadPolicy, type Db } from '@dj/db';
import type { SecretaryActivities } from '../../human-step/activity-types';

export function createSecretaryActivities({ db }: { db: Db }): SecretaryActivities {
  return {
    async loadSecretaryPolicies() {
      const [negativeList, election] = await Promise.all([loadPolicy(db, 'secretary.negative-list'), loadPolicy(db, 'secretary.election')]);
      return { negativeList, election };
    },

    async setBranchSecretary({ caseId, branchId, name, since, method }) {
      await db.$transaction(async (t) => {
        const now = new Date();
        const branch = await t.orgUnit.findUniqueOrThrow({ where: { id: branchId } });
        await t.orgUnit.update({ where: { id: branchId }, data: { secretaryName: name, secretarySince: new Date(`${since}T00:00:00Z`) } });
        await appendCaseEvent(t, {
          caseId,
          idemKey: 'branch.secretary-updated',
          type: 'branch.secretary-updated',
          actorName: '系统',
          orgId: branchId,
          data: { branch: branch.name, previous: branch.secretaryName, secretary: name, since, method },
          at: now,
        });
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
