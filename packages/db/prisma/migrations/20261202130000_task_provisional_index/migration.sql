-- Open steps whose due date was computed across a calendar year without its holidays (issue 16): when the
-- year is published, the cases service counts and walks them on this index alone, so the cost follows the
-- provisional tasks, not all tasks (services/cases/src/calendar-reschedule.ts).
CREATE INDEX "task_open_provisional_due" ON "task" ("due_at", "id") WHERE "status" = 'open' AND "kind" = 'step' AND "due_provisional";
