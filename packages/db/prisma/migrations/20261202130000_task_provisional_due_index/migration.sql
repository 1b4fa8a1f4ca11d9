-- Open steps whose due date was computed across a calendar year without its holidays (issue 16): when a
-- year is published, the cases service counts and walks them on this index (due_provisional = true AND
-- status = 'open', then due_at, id), so the cost follows the provisional open tasks, not all tasks
-- (services/cases/src/calendar-reschedule.ts). Not partial: Prisma 6 cannot declare partial indexes, and the
-- migrations must give exactly the schema of schema.prisma (packages/db/test/migrations.test.ts).
CREATE INDEX "task_due_provisional_status_due_at_id_idx" ON "task"("due_provisional", "status", "due_at", "id");
