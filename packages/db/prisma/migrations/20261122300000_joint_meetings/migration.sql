-- CreateTable
CREATE TABLE "joint_meeting_body" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "org_path" TEXT NOT NULL,
    "convener_id" UUID NOT NULL,
    "secretary_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "flagged_note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "joint_meeting_body_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "joint_meeting_member" (
    "id" UUID NOT NULL,
    "body_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "liaison_id" UUID NOT NULL,
    "superior_user_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "joint_meeting_member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "joint_meeting_body_event" (
    "id" BIGSERIAL NOT NULL,
    "body_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "actor_id" UUID,
    "data" JSONB NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "joint_meeting_body_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "joint_meeting" (
    "id" UUID NOT NULL,
    "body_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "quarter" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "deadline_at" TIMESTAMPTZ(3),
    "items" JSONB NOT NULL DEFAULT '[]',
    "nothing_from" TEXT[],
    "missing_from" TEXT[],
    "carried_over" TEXT[],
    "dropped" JSONB NOT NULL DEFAULT '[]',
    "meeting_date" TEXT,
    "place" TEXT,
    "attendance" JSONB NOT NULL DEFAULT '[]',
    "minutes" TEXT,
    "published_to" TEXT,
    "requested_by" UUID,
    "reason" TEXT,
    "held_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "joint_meeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "joint_meeting_decision" (
    "id" UUID NOT NULL,
    "body_id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "quarter" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "owner_member_id" UUID NOT NULL,
    "answers" TEXT[],
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "evidence" TEXT,
    "explanation" TEXT,
    "reported_at" TIMESTAMPTZ(3),
    "done_at" TIMESTAMPTZ(3),
    "dropped_reason" TEXT,
    "carried_into" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "joint_meeting_decision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "joint_meeting_body_org_path_idx" ON "joint_meeting_body"("org_path");

-- CreateIndex
CREATE INDEX "joint_meeting_member_body_id_idx" ON "joint_meeting_member"("body_id");

-- CreateIndex
CREATE INDEX "joint_meeting_member_liaison_id_idx" ON "joint_meeting_member"("liaison_id");

-- CreateIndex
CREATE INDEX "joint_meeting_body_event_body_id_at_idx" ON "joint_meeting_body_event"("body_id", "at");

-- CreateIndex
CREATE INDEX "joint_meeting_body_id_quarter_idx" ON "joint_meeting"("body_id", "quarter");

-- CreateIndex
CREATE INDEX "joint_meeting_decision_body_id_status_idx" ON "joint_meeting_decision"("body_id", "status");

-- CreateIndex
CREATE INDEX "joint_meeting_decision_meeting_id_idx" ON "joint_meeting_decision"("meeting_id");

-- AddForeignKey
ALTER TABLE "joint_meeting_member" ADD CONSTRAINT "joint_meeting_member_body_id_fkey" FOREIGN KEY ("body_id") REFERENCES "joint_meeting_body"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "joint_meeting_body_event" ADD CONSTRAINT "joint_meeting_body_event_body_id_fkey" FOREIGN KEY ("body_id") REFERENCES "joint_meeting_body"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "joint_meeting" ADD CONSTRAINT "joint_meeting_body_id_fkey" FOREIGN KEY ("body_id") REFERENCES "joint_meeting_body"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "joint_meeting_decision" ADD CONSTRAINT "joint_meeting_decision_body_id_fkey" FOREIGN KEY ("body_id") REFERENCES "joint_meeting_body"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "joint_meeting_decision" ADD CONSTRAINT "joint_meeting_decision_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "joint_meeting"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

