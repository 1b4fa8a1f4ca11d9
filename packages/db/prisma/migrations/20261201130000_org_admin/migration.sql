-- AlterTable
ALTER TABLE "org_unit" ADD COLUMN     "dissolved_on" DATE,
ADD COLUMN     "established_on" DATE,
ADD COLUMN     "merged_into_id" TEXT,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'active';

-- CreateTable
CREATE TABLE "org_unit_history" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "effective_on" DATE NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT NOT NULL,
    "actor_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "org_unit_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_audit_log" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "client_address" TEXT,
    "request_id" TEXT,

    CONSTRAINT "admin_audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "org_unit_history_org_id_at_idx" ON "org_unit_history"("org_id", "at");

-- CreateIndex
CREATE INDEX "admin_audit_log_org_id_at_id_idx" ON "admin_audit_log"("org_id", "at", "id");


-- ============================================================================================
-- The organization tree as administrators' data (issue 13). A unit's id never changes; its
-- materialized path does when it (or an ancestor) moves, and so does every copy of that path.
-- ============================================================================================

-- A LIKE pattern for the subtree of a path (its wildcards escaped).
CREATE FUNCTION org_subtree_pattern(path text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT replace(replace(replace(path, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- Moves a unit and its subtree under another parent in one transaction: the paths and depths of the
-- units, the path of every case opened in the subtree (whose trigger moves the case's inbox rows,
-- board, stage and daily counters to the new ancestors), the per-step daily counters of those cases'
-- tasks, notices and joint-meeting bodies. Cases keep their org_id: the organization they were
-- opened for. The whole subtree is locked first, so a unit created or a case opened under it
-- meanwhile either committed before (and moves) or waits and reads the new path.
CREATE FUNCTION org_admin_move(p_org text, p_parent text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  old_path text; parent_path text; new_path text; pat text; new_pat text; d int;
BEGIN
  SELECT path INTO old_path FROM org_unit WHERE id = p_org;
  IF NOT FOUND THEN RAISE EXCEPTION 'unknown organization %', p_org; END IF;
  SELECT path INTO parent_path FROM org_unit WHERE id = p_parent;
  IF NOT FOUND THEN RAISE EXCEPTION 'unknown organization %', p_parent; END IF;
  pat := org_subtree_pattern(old_path);
  IF parent_path LIKE pat THEN RAISE EXCEPTION 'an organization cannot move under itself'; END IF;
  PERFORM 1 FROM org_unit WHERE path LIKE pat OR id = p_parent ORDER BY id FOR UPDATE;
  -- Re-read after the locks (a concurrent move may have committed meanwhile).
  SELECT path INTO old_path FROM org_unit WHERE id = p_org;
  SELECT path INTO parent_path FROM org_unit WHERE id = p_parent;
  pat := org_subtree_pattern(old_path);
  IF parent_path LIKE pat THEN RAISE EXCEPTION 'an organization cannot move under itself'; END IF;
  new_path := parent_path || p_org || '/';
  IF new_path = old_path THEN RETURN; END IF;
  new_pat := org_subtree_pattern(new_path);
  d := (length(new_path) - length(replace(new_path, '/', ''))) - (length(old_path) - length(replace(old_path, '/', '')));

  -- The per-step daily counters follow the case's path: taken back from the old ancestors here and
  -- added to the new ones once the cases moved (rm_task_daily reads the case's current path).
  PERFORM 1 FROM "case" c WHERE c.org_path LIKE pat ORDER BY c.id FOR NO KEY UPDATE;
  PERFORM rm_task_daily(t, -1) FROM task t JOIN "case" c ON c.id = t.case_id WHERE c.org_path LIKE pat ORDER BY t.id;

  UPDATE org_unit SET parent_id = p_parent WHERE id = p_org;
  UPDATE org_unit SET path = new_path || substr(path, length(old_path) + 1), depth = depth + d WHERE path LIKE pat;
  UPDATE "case" SET org_path = new_path || substr(org_path, length(old_path) + 1) WHERE org_path LIKE pat;
  PERFORM rm_task_daily(t, 1) FROM task t JOIN "case" c ON c.id = t.case_id WHERE c.org_path LIKE new_pat ORDER BY t.id;
  UPDATE notice SET org_path = new_path || substr(org_path, length(old_path) + 1) WHERE org_path LIKE pat;
  UPDATE joint_meeting_body SET org_path = new_path || substr(org_path, length(old_path) + 1) WHERE org_path LIKE pat;
END $$;

-- A case (or notice) takes the path its organization has when it is written, waiting for a move of
-- that organization in progress (KEY SHARE conflicts with the move's path update), so no row is ever
-- written with a path that a committed move has already replaced.
CREATE FUNCTION org_path_of_org() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p text;
BEGIN
  SELECT path INTO p FROM org_unit WHERE id = NEW.org_id FOR KEY SHARE;
  IF FOUND THEN NEW.org_path := p; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER case_org_path BEFORE INSERT ON "case" FOR EACH ROW EXECUTE FUNCTION org_path_of_org();
CREATE TRIGGER notice_org_path BEFORE INSERT ON notice FOR EACH ROW EXECUTE FUNCTION org_path_of_org();
CREATE TRIGGER joint_meeting_body_org_path BEFORE INSERT ON joint_meeting_body FOR EACH ROW EXECUTE FUNCTION org_path_of_org();

-- The administrative audit log is append-only: the database itself refuses to change or remove it.
CREATE FUNCTION admin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'admin_audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER admin_audit_log_no_update BEFORE UPDATE OR DELETE ON admin_audit_log
  FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only();
CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON admin_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_append_only();
