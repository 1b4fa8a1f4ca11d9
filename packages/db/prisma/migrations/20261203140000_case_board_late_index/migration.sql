-- ============================================================================================
-- 曾超期 (was late) search over a subtree as an index range (issue 10, read models made for their queries).
-- Before: the search scanned every case of the subtree (the org_path range of "case", 4,500 for a
-- township at the volume benchmark's size) and looked up case_board.was_late for each, once for the page
-- and once for the capped count. Now case_board carries the case's status and opening time, and
-- (was_late, org_path text_pattern_ops, status, opened_at, case_id) holds exactly the late cases of a
-- subtree, of a status, together: the page reads that range (plus one primary-key lookup of "case" per
-- match) and the count is an index-only scan of it. A full index rather than a partial one WHERE was_late:
-- Prisma 6 cannot declare partial indexes (the migrations test compares the schema), and the same index
-- serves the NOT 曾超期 search of a subtree too.
-- ============================================================================================

-- AlterTable: added nullable, filled from "case", then made NOT NULL (as schema.prisma declares).
ALTER TABLE "case_board" ADD COLUMN "opened_at" TIMESTAMPTZ(3),
ADD COLUMN "status" TEXT;

UPDATE case_board b SET status = c.status, opened_at = c.opened_at FROM "case" c WHERE c.id = b.case_id;

ALTER TABLE "case_board" ALTER COLUMN "opened_at" SET NOT NULL,
ALTER COLUMN "status" SET NOT NULL;

-- CreateIndex
CREATE INDEX "case_board_was_late_org_path_status_opened_at_case_id_idx" ON "case_board"("was_late", "org_path" text_pattern_ops, "status", "opened_at", "case_id");

-- The copies are kept by two triggers of their own, so whoever inserts a board row (the case trigger
-- rm_case_changed, read_models_rebuild) need not know about them:
-- - a new board row takes them from its case (the case row exists: board rows are inserted after it);
CREATE FUNCTION rm_case_board_copy_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS NULL OR NEW.opened_at IS NULL THEN
    SELECT c.status, c.opened_at INTO NEW.status, NEW.opened_at FROM "case" c WHERE c.id = NEW.case_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER case_board_copy_case BEFORE INSERT ON case_board FOR EACH ROW EXECUTE FUNCTION rm_case_board_copy_case();

-- - a case whose status or opening time changes updates its board row in the same transaction.
CREATE FUNCTION rm_case_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE case_board SET status = NEW.status, opened_at = NEW.opened_at WHERE case_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER case_board_status AFTER UPDATE OF status, opened_at ON "case" FOR EACH ROW
  WHEN ((OLD.status, OLD.opened_at) IS DISTINCT FROM (NEW.status, NEW.opened_at)) EXECUTE FUNCTION rm_case_status_changed();
