-- AlterTable
ALTER TABLE "org_unit" ADD COLUMN     "first_secretary_name" TEXT,
ADD COLUMN     "secretary_name" TEXT,
ADD COLUMN     "secretary_since" DATE;

-- AlterTable
ALTER TABLE "task" ADD COLUMN     "subject_id" TEXT,
ADD COLUMN     "subject_type" TEXT;

-- CreateTable
CREATE TABLE "notice" (
    "id" UUID NOT NULL,
    "idem_key" TEXT NOT NULL,
    "case_id" UUID,
    "org_id" TEXT NOT NULL,
    "org_path" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "working_days" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "objection" (
    "id" UUID NOT NULL,
    "receipt_no" TEXT NOT NULL,
    "notice_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "client_key" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "finding" TEXT,
    "task_id" UUID,
    "handled_by_id" UUID,
    "handled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "objection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notice_idem_key_key" ON "notice"("idem_key");

-- CreateIndex
CREATE INDEX "notice_org_path_status_ends_at_idx" ON "notice"("org_path", "status", "ends_at");

-- CreateIndex
CREATE INDEX "notice_case_id_idx" ON "notice"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "objection_receipt_no_key" ON "objection"("receipt_no");

-- CreateIndex
CREATE INDEX "objection_notice_id_status_idx" ON "objection"("notice_id", "status");

-- AddForeignKey
ALTER TABLE "objection" ADD CONSTRAINT "objection_notice_id_fkey" FOREIGN KEY ("notice_id") REFERENCES "notice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

