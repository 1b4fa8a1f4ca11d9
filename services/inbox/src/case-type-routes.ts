import { forms, isFormId } from '@dj/contracts';
import { loadOrgTree, type Db } from '@dj/db';
import { canStartCase, caseTypes, processTypes, type OrgType } from '@dj/domain';
import { errorResponses, type App, type AuthUser } from '@dj/service-kit';

type Org = { id: string; name: string; type: OrgType; path: string };

/** Per case type, the organizations where this user may start one (the same rule POST /api/cases applies). */
export function startableCaseTypes(user: AuthUser, orgs: Org[]) {
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const memberOrgIds = new Set(user.memberships.map((m) => m.orgId));
  // Only organizations at or below one of the user's own can have a starter among their ancestors.
  const reachable = orgs.filter((o) => o.path.split('/').some((id) => memberOrgIds.has(id)));
  return Object.values(caseTypes)
    .map((def) => {
      const startOrgs = reachable
        .filter((o) => {
          const ancestors = o.path.split('/').flatMap((id) => byId.get(id) ?? []);
          return canStartCase(def, o, user.memberships, ancestors);
        })
        .sort((a, b) => a.path.localeCompare(b.path));
      return {
        type: def.type,
        name: def.name,
        startForm: isFormId(def.startForm) ? forms[def.startForm] : null,
        orgs: startOrgs.map((o) => ({ id: o.id, name: o.name })),
      };
    })
    .filter((t) => t.orgs.length > 0);
}

export function registerCaseTypeRoutes(app: App, db: Db) {
  app.get(
    '/api/case-types',
    { onRequest: app.authenticate, schema: { tags: ['cases'], security: [{ bearer: [] }], response: { 401: errorResponses[401] } } },
    async (request) => {
      const orgs = [...(await loadOrgTree(db)).values()] as Org[];
      return { items: startableCaseTypes(request.auth, orgs) };
    },
  );

  app.get(
    '/api/process-types',
    { onRequest: app.authenticate, schema: { tags: ['cases'], security: [{ bearer: [] }], response: { 401: errorResponses[401] } } },
    async () => ({ items: processTypes() }),
  );
}
