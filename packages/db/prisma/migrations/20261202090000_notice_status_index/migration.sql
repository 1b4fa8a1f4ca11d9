-- The notices running now (the metrics' gauge, the public board) are a range of this index, whatever the
-- number of notices kept over the years.
CREATE INDEX IF NOT EXISTS "notice_status_ends_at_idx" ON "notice"("status", "ends_at");
