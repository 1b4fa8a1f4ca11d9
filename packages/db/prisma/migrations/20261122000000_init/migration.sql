-- CreateEnum
CREATE TYPE "OrgType" AS ENUM ('city_org_dept', 'county', 'township', 'village', 'branch', 'group', 'joint_meeting');

-- CreateTable
CREATE TABLE "org_unit" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "OrgType" NOT NULL,
    "parent_id" TEXT,
    "path" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "org_unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "failed_logins" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMPTZ(3),
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "membership" (
    "user_id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,

    CONSTRAINT "membership_pkey" PRIMARY KEY ("user_id","org_id","role")
);

-- CreateTable
CREATE TABLE "case" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "org_path" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "initiator_id" UUID NOT NULL,
    "input" JSONB NOT NULL,
    "result" JSONB,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "deadline_at" TIMESTAMPTZ(3),
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "step_key" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "form_id" TEXT,
    "actions" TEXT[],
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "due_provisional" BOOLEAN NOT NULL DEFAULT false,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "escalation_level" INTEGER NOT NULL DEFAULT 0,
    "supervises_task_id" UUID,
    "outcome" TEXT,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "closed_by_id" UUID,

    CONSTRAINT "task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_assignee" (
    "id" UUID NOT NULL,
    "task_id" UUID NOT NULL,
    "user_id" UUID,
    "org_id" TEXT,
    "role" TEXT,
    "claimed_by_id" UUID,
    "status" TEXT NOT NULL,
    "added_by_slot" UUID,
    "acted_at" TIMESTAMPTZ(3),

    CONSTRAINT "task_assignee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_copy" (
    "task_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "task_copy_pkey" PRIMARY KEY ("task_id","user_id")
);

-- CreateTable
CREATE TABLE "case_event" (
    "id" BIGSERIAL NOT NULL,
    "case_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "idem_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor_id" UUID,
    "actor_name" TEXT,
    "org_id" TEXT,
    "task_id" UUID,
    "data" JSONB NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "case_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" UUID NOT NULL,
    "idem_key" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "case_id" UUID,
    "task_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" UUID,

    CONSTRAINT "policy_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "calendar_day" (
    "date" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "calendar_day_pkey" PRIMARY KEY ("date")
);

-- CreateTable
CREATE TABLE "calendar_year" (
    "year" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calendar_year_pkey" PRIMARY KEY ("year")
);

-- CreateIndex
CREATE UNIQUE INDEX "org_unit_path_key" ON "org_unit"("path");

-- CreateIndex
CREATE INDEX "org_unit_parent_id_idx" ON "org_unit"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_username_key" ON "app_user"("username");

-- CreateIndex
CREATE INDEX "membership_org_id_role_idx" ON "membership"("org_id", "role");

-- CreateIndex
CREATE UNIQUE INDEX "case_workflow_id_key" ON "case"("workflow_id");

-- CreateIndex
CREATE INDEX "case_org_path_idx" ON "case"("org_path");

-- CreateIndex
CREATE INDEX "case_type_status_idx" ON "case"("type", "status");

-- CreateIndex
CREATE INDEX "case_initiator_id_idx" ON "case"("initiator_id");

-- CreateIndex
CREATE INDEX "task_status_due_at_id_idx" ON "task"("status", "due_at", "id");

-- CreateIndex
CREATE INDEX "task_case_id_idx" ON "task"("case_id");

-- CreateIndex
CREATE INDEX "task_supervises_task_id_idx" ON "task"("supervises_task_id");

-- CreateIndex
CREATE INDEX "task_assignee_user_id_status_idx" ON "task_assignee"("user_id", "status");

-- CreateIndex
CREATE INDEX "task_assignee_org_id_role_status_idx" ON "task_assignee"("org_id", "role", "status");

-- CreateIndex
CREATE INDEX "task_assignee_claimed_by_id_status_idx" ON "task_assignee"("claimed_by_id", "status");

-- CreateIndex
CREATE INDEX "task_assignee_task_id_idx" ON "task_assignee"("task_id");

-- CreateIndex
CREATE INDEX "task_copy_user_id_idx" ON "task_copy"("user_id");

-- CreateIndex
CREATE INDEX "case_event_actor_id_task_id_idx" ON "case_event"("actor_id", "task_id");

-- CreateIndex
CREATE INDEX "case_event_task_id_idx" ON "case_event"("task_id");

-- CreateIndex
CREATE UNIQUE INDEX "case_event_case_id_seq_key" ON "case_event"("case_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "case_event_case_id_idem_key_key" ON "case_event"("case_id", "idem_key");

-- CreateIndex
CREATE UNIQUE INDEX "notification_idem_key_key" ON "notification"("idem_key");

-- CreateIndex
CREATE INDEX "notification_user_id_created_at_idx" ON "notification"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "org_unit" ADD CONSTRAINT "org_unit_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "org_unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task" ADD CONSTRAINT "task_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_assignee" ADD CONSTRAINT "task_assignee_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_copy" ADD CONSTRAINT "task_copy_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The record (全程纪实) is append-only: the database itself refuses to change or remove it.
CREATE FUNCTION case_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER case_event_no_update_delete
  BEFORE UPDATE OR DELETE ON "case_event"
  FOR EACH ROW EXECUTE FUNCTION case_event_refuse_change();

CREATE TRIGGER case_event_no_truncate
  BEFORE TRUNCATE ON "case_event"
  FOR EACH STATEMENT EXECUTE FUNCTION case_event_refuse_change();
