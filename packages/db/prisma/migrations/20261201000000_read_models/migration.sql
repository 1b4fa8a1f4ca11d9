-- DropIndex
DROP INDEX "case_org_path_idx";

-- CreateTable
CREATE TABLE "inbox_entry" (
    "holder" TEXT NOT NULL,
    "view" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "task_id" UUID NOT NULL,
    "case_type" TEXT NOT NULL,
    "org_path" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "case_title" TEXT NOT NULL,

    CONSTRAINT "inbox_entry_pkey" PRIMARY KEY ("holder","view","due_at","task_id")
);

-- CreateTable
CREATE TABLE "case_board" (
    "case_id" UUID NOT NULL,
    "org_path" TEXT NOT NULL,
    "open_overdue_steps" INTEGER NOT NULL DEFAULT 0,
    "open_supervision" INTEGER NOT NULL DEFAULT 0,
    "open" BOOLEAN NOT NULL DEFAULT false,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "supervising" INTEGER NOT NULL DEFAULT 0,
    "deadline_passed" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "case_board_pkey" PRIMARY KEY ("case_id")
);

-- CreateTable
CREATE TABLE "org_board" (
    "org_id" TEXT NOT NULL,
    "shard" INTEGER NOT NULL,
    "open_cases" INTEGER NOT NULL DEFAULT 0,
    "overdue_cases" INTEGER NOT NULL DEFAULT 0,
    "supervising" INTEGER NOT NULL DEFAULT 0,
    "deadline_passed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "org_board_pkey" PRIMARY KEY ("org_id","shard")
);

-- CreateTable
CREATE TABLE "org_stage_count" (
    "org_id" TEXT NOT NULL,
    "case_type" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "shard" INTEGER NOT NULL,
    "open_cases" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "org_stage_count_pkey" PRIMARY KEY ("org_id","case_type","stage","shard")
);

-- CreateTable
CREATE TABLE "org_daily" (
    "org_id" TEXT NOT NULL,
    "case_type" TEXT NOT NULL,
    "step_key" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "opened" INTEGER NOT NULL DEFAULT 0,
    "closed" INTEGER NOT NULL DEFAULT 0,
    "steps_closed" INTEGER NOT NULL DEFAULT 0,
    "steps_on_time" INTEGER NOT NULL DEFAULT 0,
    "steps_late" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "org_daily_pkey" PRIMARY KEY ("org_id","day","case_type","step_key")
);

-- CreateIndex
CREATE INDEX "inbox_entry_task_id_idx" ON "inbox_entry"("task_id");

-- CreateIndex
CREATE INDEX "org_unit_path_idx" ON "org_unit"("path" text_pattern_ops);

-- CreateIndex
CREATE INDEX "case_org_path_idx" ON "case"("org_path" text_pattern_ops);

-- CreateIndex
CREATE INDEX "case_type_opened_at_id_idx" ON "case"("type", "opened_at", "id");

-- CreateIndex
CREATE INDEX "case_stage_opened_at_id_idx" ON "case"("stage", "opened_at", "id");

-- CreateIndex
CREATE INDEX "case_status_opened_at_id_idx" ON "case"("status", "opened_at", "id");

-- CreateIndex
CREATE INDEX "case_closed_at_id_idx" ON "case"("closed_at", "id");


-- ============================================================================================
-- Read models (issue 10). Written only by these triggers, in the transaction that changes the
-- source rows, whoever writes them; the activities know nothing about them.
-- ============================================================================================

-- The organizations on a materialized path, the organization itself included ('/a/b/' -> a, b).
CREATE FUNCTION rm_ancestors(path text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT unnest(string_to_array(trim(BOTH '/' FROM path), '/'))
$$;

CREATE FUNCTION rm_shard(case_id uuid) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT abs(hashtext(case_id::text)) % 8
$$;

CREATE FUNCTION rm_china_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT (at AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- --- Inbox -----------------------------------------------------------------------------------

-- Rebuilds the todo / supervising rows of some tasks from the task and its pending slots: a user
-- slot and a claimed slot belong to the user, an unclaimed role slot to (org, role). Locking the
-- tasks first serializes two transactions that change slots of one task, so the second one reads
-- the first one's committed slots.
CREATE FUNCTION inbox_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM task WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  DELETE FROM inbox_entry WHERE task_id = ANY(ids) AND view IN ('todo', 'supervising');
  INSERT INTO inbox_entry (holder, view, due_at, task_id, case_type, org_path, title, case_title)
  SELECT DISTINCT k.holder, CASE t.kind WHEN 'step' THEN 'todo' ELSE 'supervising' END, t.due_at, t.id, c.type, c.org_path, t.title, c.title
  FROM task t
  JOIN "case" c ON c.id = t.case_id
  JOIN task_assignee a ON a.task_id = t.id AND a.status = 'pending'
  CROSS JOIN LATERAL (VALUES ('u/' || a.user_id::text), ('u/' || a.claimed_by_id::text),
    (CASE WHEN a.user_id IS NULL AND a.claimed_by_id IS NULL THEN 'r/' || a.org_id || '/' || a.role END)) AS k(holder)
  WHERE t.id = ANY(ids) AND t.status = 'open' AND t.kind IN ('step', 'supervision') AND k.holder IS NOT NULL;
END $$;

CREATE FUNCTION inbox_assignee_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM inbox_refresh(ARRAY(SELECT DISTINCT task_id FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM inbox_refresh(ARRAY(SELECT task_id FROM new_rows UNION SELECT task_id FROM old_rows));
  ELSE
    PERFORM inbox_refresh(ARRAY(SELECT DISTINCT task_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER task_assignee_inbox_insert AFTER INSERT ON task_assignee REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_assignee_changed();
CREATE TRIGGER task_assignee_inbox_update AFTER UPDATE ON task_assignee REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_assignee_changed();
CREATE TRIGGER task_assignee_inbox_delete AFTER DELETE ON task_assignee REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_assignee_changed();

-- done: the user acted on the task (the event types the inbox has always counted as acting).
CREATE FUNCTION inbox_event_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO inbox_entry (holder, view, due_at, task_id, case_type, org_path, title, case_title)
  SELECT 'u/' || NEW.actor_id::text, 'done', t.due_at, t.id, c.type, c.org_path, t.title, c.title
  FROM task t JOIN "case" c ON c.id = t.case_id WHERE t.id = NEW.task_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER case_event_inbox AFTER INSERT ON case_event FOR EACH ROW
  WHEN (NEW.actor_id IS NOT NULL AND NEW.task_id IS NOT NULL AND NEW.type IN
        ('task.approve', 'task.reject', 'task.return', 'task.forward', 'task.transfer', 'task.add_signer', 'task.claim', 'task.comment', 'task.cc'))
  EXECUTE FUNCTION inbox_event_added();

-- cc: copied to the user.
CREATE FUNCTION inbox_copy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM inbox_entry WHERE task_id = OLD.task_id AND holder = 'u/' || OLD.user_id::text AND view = 'cc';
    RETURN NULL;
  END IF;
  INSERT INTO inbox_entry (holder, view, due_at, task_id, case_type, org_path, title, case_title)
  SELECT 'u/' || NEW.user_id::text, 'cc', t.due_at, t.id, c.type, c.org_path, t.title, c.title
  FROM task t JOIN "case" c ON c.id = t.case_id WHERE t.id = NEW.task_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER task_copy_inbox AFTER INSERT OR DELETE ON task_copy FOR EACH ROW EXECUTE FUNCTION inbox_copy_changed();

-- --- Board and statistics roll-ups ---------------------------------------------------------------

CREATE FUNCTION rm_board_add(path text, shard int, d_open int, d_overdue int, d_supervising int, d_deadline int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO org_board AS b (org_id, shard, open_cases, overdue_cases, supervising, deadline_passed)
  SELECT anc, shard, d_open, d_overdue, d_supervising, d_deadline FROM rm_ancestors(path) AS anc
  ORDER BY anc
  ON CONFLICT (org_id, shard) DO UPDATE SET open_cases = b.open_cases + EXCLUDED.open_cases, overdue_cases = b.overdue_cases + EXCLUDED.overdue_cases,
    supervising = b.supervising + EXCLUDED.supervising, deadline_passed = b.deadline_passed + EXCLUDED.deadline_passed
$$;

-- A case leaving one (type, stage) and entering another, in one statement whose rows are taken in
-- key order, so two cases moving opposite ways never lock the same two rows in opposite orders.
CREATE FUNCTION rm_stage_move(p_old_path text, p_old_type text, p_old_stage text, p_new_path text, p_new_type text, p_new_stage text, p_shard int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO org_stage_count AS s (org_id, case_type, stage, shard, open_cases)
  SELECT x.org_id, x.case_type, x.stage, p_shard, sum(x.d) FROM (
    SELECT anc AS org_id, p_old_type AS case_type, p_old_stage AS stage, -1 AS d FROM rm_ancestors(p_old_path) AS anc WHERE p_old_path IS NOT NULL
    UNION ALL
    SELECT anc, p_new_type, p_new_stage, 1 FROM rm_ancestors(p_new_path) AS anc WHERE p_new_path IS NOT NULL
  ) x
  GROUP BY x.org_id, x.case_type, x.stage HAVING sum(x.d) <> 0
  ORDER BY x.org_id, x.case_type, x.stage
  ON CONFLICT (org_id, case_type, stage, shard) DO UPDATE SET open_cases = s.open_cases + EXCLUDED.open_cases
$$;

CREATE FUNCTION rm_daily_add(path text, case_type text, step_key text, day date, d_opened int, d_closed int, d_steps_closed int, d_on_time int, d_late int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO org_daily AS d (org_id, case_type, step_key, day, opened, closed, steps_closed, steps_on_time, steps_late)
  SELECT anc, case_type, step_key, day, d_opened, d_closed, d_steps_closed, d_on_time, d_late FROM rm_ancestors(path) AS anc
  ORDER BY anc
  ON CONFLICT (org_id, day, case_type, step_key) DO UPDATE SET opened = d.opened + EXCLUDED.opened, closed = d.closed + EXCLUDED.closed,
    steps_closed = d.steps_closed + EXCLUDED.steps_closed, steps_on_time = d.steps_on_time + EXCLUDED.steps_on_time, steps_late = d.steps_late + EXCLUDED.steps_late
$$;

-- Re-derives what a case contributes to the board and applies the difference to its ancestors.
-- Overdue is what the escalation has marked: an open step it flagged at its due date, or the case
-- deadline (checked whenever the case row changes; the deadline activity changes it at the deadline).
CREATE FUNCTION rm_board_apply(id uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  c record;
  b case_board%ROWTYPE;
  n_open boolean; n_deadline boolean; n_overdue boolean; n_supervising int;
BEGIN
  SELECT status, deadline_at INTO c FROM "case" WHERE "case".id = rm_board_apply.id;
  SELECT * INTO b FROM case_board WHERE case_id = rm_board_apply.id;
  IF NOT FOUND THEN RETURN; END IF;
  n_open := c.status = 'open';
  n_deadline := n_open AND COALESCE(c.deadline_at <= now(), false);
  n_overdue := n_open AND (b.open_overdue_steps > 0 OR n_deadline);
  n_supervising := CASE WHEN n_open THEN b.open_supervision ELSE 0 END;
  IF (n_open, n_overdue, n_supervising, n_deadline) IS DISTINCT FROM (b.open, b.overdue, b.supervising, b.deadline_passed) THEN
    PERFORM rm_board_add(b.org_path, rm_shard(b.case_id), n_open::int - b.open::int, n_overdue::int - b.overdue::int, n_supervising - b.supervising, n_deadline::int - b.deadline_passed::int);
    UPDATE case_board SET open = n_open, overdue = n_overdue, supervising = n_supervising, deadline_passed = n_deadline WHERE case_id = b.case_id;
  END IF;
END $$;

CREATE FUNCTION rm_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO case_board (case_id, org_path) VALUES (NEW.id, NEW.org_path) ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' AND (OLD.title, OLD.type, OLD.org_path) IS DISTINCT FROM (NEW.title, NEW.type, NEW.org_path) THEN
    UPDATE inbox_entry SET case_title = NEW.title, case_type = NEW.type, org_path = NEW.org_path
    WHERE task_id IN (SELECT t.id FROM task t WHERE t.case_id = NEW.id);
  END IF;
  IF TG_OP <> 'UPDATE' OR (OLD.type, OLD.stage, OLD.org_path, OLD.status) IS DISTINCT FROM (NEW.type, NEW.stage, NEW.org_path, NEW.status) THEN
    PERFORM rm_stage_move(CASE WHEN TG_OP <> 'INSERT' AND OLD.status = 'open' THEN OLD.org_path END, OLD.type, OLD.stage,
                          CASE WHEN TG_OP <> 'DELETE' AND NEW.status = 'open' THEN NEW.org_path END, NEW.type, NEW.stage, rm_shard(COALESCE(NEW.id, OLD.id)));
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF TG_OP = 'DELETE' OR (OLD.type, OLD.org_path, OLD.opened_at) IS DISTINCT FROM (NEW.type, NEW.org_path, NEW.opened_at) THEN
      PERFORM rm_daily_add(OLD.org_path, OLD.type, '', rm_china_day(OLD.opened_at), -1, 0, 0, 0, 0);
    END IF;
    IF OLD.closed_at IS NOT NULL AND (TG_OP = 'DELETE' OR (OLD.type, OLD.org_path, OLD.closed_at) IS DISTINCT FROM (NEW.type, NEW.org_path, NEW.closed_at)) THEN
      PERFORM rm_daily_add(OLD.org_path, OLD.type, '', rm_china_day(OLD.closed_at), 0, -1, 0, 0, 0);
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    -- Only tests and tooling delete cases: take back what the case contributed.
    PERFORM rm_board_add(b.org_path, rm_shard(b.case_id), -b.open::int, -b.overdue::int, -b.supervising, -b.deadline_passed::int) FROM case_board b WHERE b.case_id = OLD.id;
    DELETE FROM case_board WHERE case_id = OLD.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' OR (OLD.type, OLD.org_path, OLD.opened_at) IS DISTINCT FROM (NEW.type, NEW.org_path, NEW.opened_at) THEN
    PERFORM rm_daily_add(NEW.org_path, NEW.type, '', rm_china_day(NEW.opened_at), 1, 0, 0, 0, 0);
  END IF;
  IF NEW.closed_at IS NOT NULL AND (TG_OP = 'INSERT' OR (OLD.type, OLD.org_path, OLD.closed_at) IS DISTINCT FROM (NEW.type, NEW.org_path, NEW.closed_at)) THEN
    PERFORM rm_daily_add(NEW.org_path, NEW.type, '', rm_china_day(NEW.closed_at), 0, 1, 0, 0, 0);
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.org_path IS DISTINCT FROM NEW.org_path THEN
    PERFORM rm_board_add(b.org_path, rm_shard(b.case_id), -b.open::int, -b.overdue::int, -b.supervising, -b.deadline_passed::int) FROM case_board b WHERE b.case_id = NEW.id;
    UPDATE case_board SET org_path = NEW.org_path, open = false, overdue = false, supervising = 0, deadline_passed = false WHERE case_id = NEW.id;
  END IF;
  PERFORM rm_board_apply(NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER case_read_models AFTER INSERT OR UPDATE OR DELETE ON "case" FOR EACH ROW EXECUTE FUNCTION rm_case_changed();

-- What one task row contributes to the daily counters (sign +1 or -1): a completed step on the day it
-- closed (on time or not), a late step on the day it fell due (closed after it, or still open and
-- marked overdue by the escalation).
CREATE FUNCTION rm_task_daily(t task, sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  c record;
  late boolean;
BEGIN
  IF t.kind <> 'step' THEN RETURN; END IF;
  late := CASE WHEN t.closed_at IS NOT NULL THEN t.due_at < t.closed_at ELSE t.overdue END;
  IF NOT late AND NOT (t.status = 'completed' AND t.closed_at IS NOT NULL) THEN RETURN; END IF;
  SELECT type, org_path INTO c FROM "case" WHERE id = t.case_id;
  IF t.status = 'completed' AND t.closed_at IS NOT NULL THEN
    PERFORM rm_daily_add(c.org_path, c.type, t.step_key, rm_china_day(t.closed_at), 0, 0, sign, sign * (t.closed_at <= t.due_at)::int, 0);
  END IF;
  IF late THEN
    PERFORM rm_daily_add(c.org_path, c.type, t.step_key, rm_china_day(t.due_at), 0, 0, 0, 0, sign);
  END IF;
END $$;

CREATE FUNCTION rm_task_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d_overdue int := 0;
  d_supervision int := 0;
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM inbox_entry WHERE task_id = OLD.id;
  ELSIF TG_OP = 'INSERT' OR (OLD.status, OLD.kind, OLD.due_at, OLD.title, OLD.case_id) IS DISTINCT FROM (NEW.status, NEW.kind, NEW.due_at, NEW.title, NEW.case_id) THEN
    PERFORM inbox_refresh(ARRAY[NEW.id]);
    IF TG_OP = 'UPDATE' AND (OLD.due_at, OLD.title) IS DISTINCT FROM (NEW.due_at, NEW.title) THEN
      UPDATE inbox_entry SET due_at = NEW.due_at, title = NEW.title WHERE task_id = NEW.id AND view IN ('done', 'cc');
    END IF;
  END IF;

  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    d_overdue := -(OLD.kind = 'step' AND OLD.status = 'open' AND OLD.overdue)::int;
    d_supervision := -(OLD.kind = 'supervision' AND OLD.status = 'open')::int;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id THEN
      RAISE EXCEPTION 'a task does not move to another case';
    END IF;
    d_overdue := d_overdue + (NEW.kind = 'step' AND NEW.status = 'open' AND NEW.overdue)::int;
    d_supervision := d_supervision + (NEW.kind = 'supervision' AND NEW.status = 'open')::int;
  END IF;
  IF d_overdue <> 0 OR d_supervision <> 0 THEN
    UPDATE case_board SET open_overdue_steps = open_overdue_steps + d_overdue, open_supervision = open_supervision + d_supervision
    WHERE case_id = COALESCE(NEW.case_id, OLD.case_id);
    PERFORM rm_board_apply(COALESCE(NEW.case_id, OLD.case_id));
  END IF;

  IF TG_OP = 'DELETE' OR TG_OP = 'INSERT' OR (OLD.kind, OLD.status, OLD.closed_at, OLD.due_at, OLD.overdue, OLD.step_key) IS DISTINCT FROM (NEW.kind, NEW.status, NEW.closed_at, NEW.due_at, NEW.overdue, NEW.step_key) THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM rm_task_daily(OLD, -1); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM rm_task_daily(NEW, 1); END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER task_read_models AFTER INSERT OR UPDATE OR DELETE ON task FOR EACH ROW EXECUTE FUNCTION rm_task_changed();

-- --- Backfill ------------------------------------------------------------------------------------

-- Rebuilds every read model from the source tables (this migration's backfill; also usable after a
-- bulk load with triggers off, as bench/volume.ts does).
CREATE FUNCTION read_models_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE inbox_entry, case_board, org_board, org_stage_count, org_daily;

  INSERT INTO inbox_entry (holder, view, due_at, task_id, case_type, org_path, title, case_title)
  SELECT DISTINCT k.holder, CASE t.kind WHEN 'step' THEN 'todo' ELSE 'supervising' END, t.due_at, t.id, c.type, c.org_path, t.title, c.title
  FROM task t
  JOIN "case" c ON c.id = t.case_id
  JOIN task_assignee a ON a.task_id = t.id AND a.status = 'pending'
  CROSS JOIN LATERAL (VALUES ('u/' || a.user_id::text), ('u/' || a.claimed_by_id::text),
    (CASE WHEN a.user_id IS NULL AND a.claimed_by_id IS NULL THEN 'r/' || a.org_id || '/' || a.role END)) AS k(holder)
  WHERE t.status = 'open' AND t.kind IN ('step', 'supervision') AND k.holder IS NOT NULL;

  INSERT INTO inbox_entry (holder, view, due_at, task_id, case_type, org_path, title, case_title)
  SELECT DISTINCT 'u/' || e.actor_id::text, 'done', t.due_at, t.id, c.type, c.org_path, t.title, c.title
  FROM case_event e JOIN task t ON t.id = e.task_id JOIN "case" c ON c.id = t.case_id
  WHERE e.actor_id IS NOT NULL
    AND e.type IN ('task.approve', 'task.reject', 'task.return', 'task.forward', 'task.transfer', 'task.add_signer', 'task.claim', 'task.comment', 'task.cc');

  INSERT INTO inbox_entry (holder, view, due_at, task_id, case_type, org_path, title, case_title)
  SELECT 'u/' || tc.user_id::text, 'cc', t.due_at, t.id, c.type, c.org_path, t.title, c.title
  FROM task_copy tc JOIN task t ON t.id = tc.task_id JOIN "case" c ON c.id = t.case_id;

  INSERT INTO case_board (case_id, org_path, open_overdue_steps, open_supervision)
  SELECT c.id, c.org_path,
         (SELECT count(*) FROM task t WHERE t.case_id = c.id AND t.kind = 'step' AND t.status = 'open' AND t.overdue),
         (SELECT count(*) FROM task t WHERE t.case_id = c.id AND t.kind = 'supervision' AND t.status = 'open')
  FROM "case" c;
  UPDATE case_board b SET open = true, deadline_passed = COALESCE(c.deadline_at <= now(), false),
         overdue = b.open_overdue_steps > 0 OR COALESCE(c.deadline_at <= now(), false), supervising = b.open_supervision
  FROM "case" c WHERE c.id = b.case_id AND c.status = 'open';

  INSERT INTO org_board (org_id, shard, open_cases, overdue_cases, supervising, deadline_passed)
  SELECT anc, rm_shard(b.case_id), count(*), count(*) FILTER (WHERE b.overdue), sum(b.supervising), count(*) FILTER (WHERE b.deadline_passed)
  FROM case_board b CROSS JOIN LATERAL rm_ancestors(b.org_path) AS anc
  WHERE b.open GROUP BY 1, 2;

  INSERT INTO org_stage_count (org_id, case_type, stage, shard, open_cases)
  SELECT anc, c.type, c.stage, rm_shard(c.id), count(*)
  FROM "case" c CROSS JOIN LATERAL rm_ancestors(c.org_path) AS anc
  WHERE c.status = 'open' GROUP BY 1, 2, 3, 4;

  INSERT INTO org_daily (org_id, case_type, step_key, day, opened, closed, steps_closed, steps_on_time, steps_late)
  SELECT anc, x.case_type, x.step_key, x.day, sum(x.opened), sum(x.closed), sum(x.steps_closed), sum(x.steps_on_time), sum(x.steps_late)
  FROM (
    SELECT c.org_path, c.type AS case_type, '' AS step_key, rm_china_day(c.opened_at) AS day, 1 AS opened, 0 AS closed, 0 AS steps_closed, 0 AS steps_on_time, 0 AS steps_late FROM "case" c
    UNION ALL
    SELECT c.org_path, c.type, '', rm_china_day(c.closed_at), 0, 1, 0, 0, 0 FROM "case" c WHERE c.closed_at IS NOT NULL
    UNION ALL
    SELECT c.org_path, c.type, t.step_key, rm_china_day(t.closed_at), 0, 0, 1, (t.closed_at <= t.due_at)::int, 0
    FROM task t JOIN "case" c ON c.id = t.case_id WHERE t.kind = 'step' AND t.status = 'completed' AND t.closed_at IS NOT NULL
    UNION ALL
    SELECT c.org_path, c.type, t.step_key, rm_china_day(t.due_at), 0, 0, 0, 0, 1
    FROM task t JOIN "case" c ON c.id = t.case_id
    WHERE t.kind = 'step' AND CASE WHEN t.closed_at IS NOT NULL THEN t.due_at < t.closed_at ELSE t.overdue END
  ) x CROSS JOIN LATERAL rm_ancestors(x.org_path) AS anc
  GROUP BY 1, 2, 3, 4;
END $$;

SELECT read_models_rebuild();
