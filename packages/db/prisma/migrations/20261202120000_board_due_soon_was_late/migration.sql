-- AlterTable
ALTER TABLE "task" ADD COLUMN     "reminded_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "case_board" ADD COLUMN     "due_soon" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "late_steps" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "open_due_soon_steps" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "was_late" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "org_board" ADD COLUMN     "due_soon_cases" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "late_cases" INTEGER NOT NULL DEFAULT 0;


-- ============================================================================================
-- Due soon (临期) and was late (曾超期) on the board and in the case search (issue 16, point 8).
-- - Due soon is time, like overdue: an open step is due soon from the moment its reminder went
--   (task.reminded_at, set by the reminder activity at the time scheduleStep derives from the policy
--   escalation.default's reminderLeadWorkingDays) until the escalation marks it overdue or it closes.
-- - Was late is a lasting fact: a step of the case was marked overdue or closed after its due date
--   (case_board.late_steps, set by the task trigger and never cleared), or the case deadline passed
--   while the case was open. It stays after the case closes, unlike `overdue` (open and overdue now).
-- ============================================================================================

-- The reminder time of every step reminded so far, from the record (task.reminded events). The task
-- trigger of the previous migration ignores reminded_at, so this touches no read model.
UPDATE task t SET reminded_at = e.at
FROM (SELECT task_id, min(at) AS at FROM case_event WHERE type = 'task.reminded' AND task_id IS NOT NULL GROUP BY task_id) e
WHERE t.id = e.task_id AND t.kind = 'step';

DROP FUNCTION rm_board_add(text, int, int, int, int, int);

CREATE FUNCTION rm_board_add(path text, shard int, d_open int, d_overdue int, d_supervising int, d_deadline int, d_due_soon int, d_late int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO org_board AS b (org_id, shard, open_cases, overdue_cases, supervising, deadline_passed, due_soon_cases, late_cases)
  SELECT anc, shard, d_open, d_overdue, d_supervising, d_deadline, d_due_soon, d_late FROM rm_ancestors(path) AS anc
  ORDER BY anc
  ON CONFLICT (org_id, shard) DO UPDATE SET open_cases = b.open_cases + EXCLUDED.open_cases, overdue_cases = b.overdue_cases + EXCLUDED.overdue_cases,
    supervising = b.supervising + EXCLUDED.supervising, deadline_passed = b.deadline_passed + EXCLUDED.deadline_passed,
    due_soon_cases = b.due_soon_cases + EXCLUDED.due_soon_cases, late_cases = b.late_cases + EXCLUDED.late_cases
$$;

-- Re-derives what a case contributes to the board and applies the difference to its ancestors.
-- Overdue is what the escalation has marked: an open step it flagged at its due date, or the case
-- deadline (checked whenever the case row changes; the deadline activity changes it at the deadline).
-- Due soon: an open step reminded and not yet marked overdue. Was late: a late step (lasting), or the
-- case deadline passed while open (an open case past it, or a case closed after it).
CREATE OR REPLACE FUNCTION rm_board_apply(id uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  c record;
  b case_board%ROWTYPE;
  n_open boolean; n_deadline boolean; n_overdue boolean; n_supervising int; n_due_soon boolean; n_late boolean;
BEGIN
  SELECT status, deadline_at, closed_at INTO c FROM "case" WHERE "case".id = rm_board_apply.id;
  SELECT * INTO b FROM case_board WHERE case_id = rm_board_apply.id;
  IF NOT FOUND THEN RETURN; END IF;
  n_open := c.status = 'open';
  n_deadline := n_open AND COALESCE(c.deadline_at <= now(), false);
  n_overdue := n_open AND (b.open_overdue_steps > 0 OR n_deadline);
  n_supervising := CASE WHEN n_open THEN b.open_supervision ELSE 0 END;
  n_due_soon := n_open AND b.open_due_soon_steps > 0;
  n_late := b.late_steps OR n_deadline OR (NOT n_open AND COALESCE(c.deadline_at < c.closed_at, false));
  IF (n_open, n_overdue, n_supervising, n_deadline, n_due_soon, n_late) IS DISTINCT FROM (b.open, b.overdue, b.supervising, b.deadline_passed, b.due_soon, b.was_late) THEN
    PERFORM rm_board_add(b.org_path, rm_shard(b.case_id), n_open::int - b.open::int, n_overdue::int - b.overdue::int, n_supervising - b.supervising,
                         n_deadline::int - b.deadline_passed::int, n_due_soon::int - b.due_soon::int, n_late::int - b.was_late::int);
    UPDATE case_board SET open = n_open, overdue = n_overdue, supervising = n_supervising, deadline_passed = n_deadline, due_soon = n_due_soon, was_late = n_late
    WHERE case_id = b.case_id;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION rm_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
    PERFORM rm_board_add(b.org_path, rm_shard(b.case_id), -b.open::int, -b.overdue::int, -b.supervising, -b.deadline_passed::int, -b.due_soon::int, -b.was_late::int)
    FROM case_board b WHERE b.case_id = OLD.id;
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
    -- Taken back from the old ancestors; rm_board_apply below adds it all to the new ones (late_steps,
    -- the lasting fact, stays on the case's row).
    PERFORM rm_board_add(b.org_path, rm_shard(b.case_id), -b.open::int, -b.overdue::int, -b.supervising, -b.deadline_passed::int, -b.due_soon::int, -b.was_late::int)
    FROM case_board b WHERE b.case_id = NEW.id;
    UPDATE case_board SET org_path = NEW.org_path, open = false, overdue = false, supervising = 0, deadline_passed = false, due_soon = false, was_late = false
    WHERE case_id = NEW.id;
  END IF;
  PERFORM rm_board_apply(NEW.id);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rm_task_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d_overdue int := 0;
  d_supervision int := 0;
  d_due_soon int := 0;
  became_late boolean := false;
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
    d_due_soon := -(OLD.kind = 'step' AND OLD.status = 'open' AND OLD.reminded_at IS NOT NULL AND NOT OLD.overdue)::int;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id THEN
      RAISE EXCEPTION 'a task does not move to another case';
    END IF;
    d_overdue := d_overdue + (NEW.kind = 'step' AND NEW.status = 'open' AND NEW.overdue)::int;
    d_supervision := d_supervision + (NEW.kind = 'supervision' AND NEW.status = 'open')::int;
    d_due_soon := d_due_soon + (NEW.kind = 'step' AND NEW.status = 'open' AND NEW.reminded_at IS NOT NULL AND NOT NEW.overdue)::int;
    -- A step is late once marked overdue or closed after its due date (as rm_task_daily counts it).
    became_late := NEW.kind = 'step' AND (NEW.overdue OR COALESCE(NEW.due_at < NEW.closed_at, false))
      AND NOT (TG_OP = 'UPDATE' AND OLD.kind = 'step' AND (OLD.overdue OR COALESCE(OLD.due_at < OLD.closed_at, false)));
  END IF;
  IF d_overdue <> 0 OR d_supervision <> 0 OR d_due_soon <> 0 OR became_late THEN
    UPDATE case_board SET open_overdue_steps = open_overdue_steps + d_overdue, open_supervision = open_supervision + d_supervision,
           open_due_soon_steps = open_due_soon_steps + d_due_soon, late_steps = late_steps OR became_late
    WHERE case_id = COALESCE(NEW.case_id, OLD.case_id);
    PERFORM rm_board_apply(COALESCE(NEW.case_id, OLD.case_id));
  END IF;

  IF TG_OP = 'DELETE' OR TG_OP = 'INSERT' OR (OLD.kind, OLD.status, OLD.closed_at, OLD.due_at, OLD.overdue, OLD.step_key) IS DISTINCT FROM (NEW.kind, NEW.status, NEW.closed_at, NEW.due_at, NEW.overdue, NEW.step_key) THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM rm_task_daily(OLD, -1); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM rm_task_daily(NEW, 1); END IF;
  END IF;
  RETURN NULL;
END $$;

-- Rebuilds every read model from the source tables (also usable after a bulk load with triggers
-- off, as bench/volume.ts does).
CREATE OR REPLACE FUNCTION read_models_rebuild() RETURNS void LANGUAGE plpgsql AS $$
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

  INSERT INTO case_board (case_id, org_path, open_overdue_steps, open_supervision, open_due_soon_steps, late_steps)
  SELECT c.id, c.org_path, COALESCE(t.overdue_steps, 0), COALESCE(t.supervision, 0), COALESCE(t.due_soon_steps, 0), COALESCE(t.late_steps, false)
  FROM "case" c
  LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE t.kind = 'step' AND t.status = 'open' AND t.overdue) AS overdue_steps,
           count(*) FILTER (WHERE t.kind = 'supervision' AND t.status = 'open') AS supervision,
           count(*) FILTER (WHERE t.kind = 'step' AND t.status = 'open' AND t.reminded_at IS NOT NULL AND NOT t.overdue) AS due_soon_steps,
           bool_or(t.kind = 'step' AND (t.overdue OR COALESCE(t.due_at < t.closed_at, false))) AS late_steps
    FROM task t WHERE t.case_id = c.id
  ) t ON true;
  UPDATE case_board b SET open = c.status = 'open',
         deadline_passed = c.status = 'open' AND COALESCE(c.deadline_at <= now(), false),
         overdue = c.status = 'open' AND (b.open_overdue_steps > 0 OR COALESCE(c.deadline_at <= now(), false)),
         supervising = CASE WHEN c.status = 'open' THEN b.open_supervision ELSE 0 END,
         due_soon = c.status = 'open' AND b.open_due_soon_steps > 0,
         was_late = b.late_steps OR CASE WHEN c.status = 'open' THEN COALESCE(c.deadline_at <= now(), false) ELSE COALESCE(c.deadline_at < c.closed_at, false) END
  FROM "case" c WHERE c.id = b.case_id;

  INSERT INTO org_board (org_id, shard, open_cases, overdue_cases, supervising, deadline_passed, due_soon_cases, late_cases)
  SELECT anc, rm_shard(b.case_id), count(*) FILTER (WHERE b.open), count(*) FILTER (WHERE b.overdue), COALESCE(sum(b.supervising), 0),
         count(*) FILTER (WHERE b.deadline_passed), count(*) FILTER (WHERE b.due_soon), count(*) FILTER (WHERE b.was_late)
  FROM case_board b CROSS JOIN LATERAL rm_ancestors(b.org_path) AS anc
  WHERE b.open OR b.was_late GROUP BY 1, 2;

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

-- --- Backfill --------------------------------------------------------------------------------------
-- The new columns of every case's board row from its tasks' history, and their roll-up per organization,
-- in one statement (the other columns are unchanged: no full rebuild). The case trigger's rm_board_apply
-- computes the same per case from now on.
WITH facts AS (
  SELECT b.case_id,
         COALESCE(t.due_soon_steps, 0) AS due_soon_steps,
         COALESCE(t.late_steps, false) AS late_steps,
         c.status = 'open' AND COALESCE(t.due_soon_steps, 0) > 0 AS due_soon,
         COALESCE(t.late_steps, false) OR CASE WHEN c.status = 'open' THEN b.deadline_passed ELSE COALESCE(c.deadline_at < c.closed_at, false) END AS was_late
  FROM case_board b
  JOIN "case" c ON c.id = b.case_id
  LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE t.kind = 'step' AND t.status = 'open' AND t.reminded_at IS NOT NULL AND NOT t.overdue) AS due_soon_steps,
           bool_or(t.kind = 'step' AND (t.overdue OR COALESCE(t.due_at < t.closed_at, false))) AS late_steps
    FROM task t WHERE t.case_id = b.case_id
  ) t ON true
), updated AS (
  UPDATE case_board b SET open_due_soon_steps = f.due_soon_steps, late_steps = f.late_steps, due_soon = f.due_soon, was_late = f.was_late
  FROM facts f WHERE f.case_id = b.case_id AND (f.due_soon_steps <> 0 OR f.late_steps OR f.due_soon OR f.was_late)
  RETURNING b.case_id, b.org_path, b.due_soon, b.was_late
)
INSERT INTO org_board AS o (org_id, shard, due_soon_cases, late_cases)
SELECT anc, rm_shard(u.case_id), count(*) FILTER (WHERE u.due_soon), count(*) FILTER (WHERE u.was_late)
FROM updated u CROSS JOIN LATERAL rm_ancestors(u.org_path) AS anc
GROUP BY 1, 2
ON CONFLICT (org_id, shard) DO UPDATE SET due_soon_cases = EXCLUDED.due_soon_cases, late_cases = EXCLUDED.late_cases;
