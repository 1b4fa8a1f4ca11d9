-- CreateTable
CREATE TABLE "person" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "gender" TEXT NOT NULL,
    "birth_date" DATE NOT NULL,
    "joined_on" DATE NOT NULL,
    "full_on" DATE,
    "status" TEXT NOT NULL,
    "phone" TEXT,
    "user_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "party_membership" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "branch_id" TEXT NOT NULL,
    "group_id" TEXT,
    "start_on" DATE NOT NULL,
    "end_on" DATE,
    "reason" TEXT,

    CONSTRAINT "party_membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "org_role" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "person_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "start_on" DATE NOT NULL,
    "end_on" DATE,
    "reason" TEXT,

    CONSTRAINT "org_role_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "person_user_id_key" ON "person"("user_id");

-- CreateIndex
CREATE INDEX "person_name_id_idx" ON "person"("name", "id");

-- CreateIndex
CREATE INDEX "party_membership_person_id_start_on_idx" ON "party_membership"("person_id", "start_on");

-- CreateIndex
CREATE INDEX "party_membership_branch_id_end_on_idx" ON "party_membership"("branch_id", "end_on");

-- CreateIndex
CREATE INDEX "party_membership_group_id_end_on_idx" ON "party_membership"("group_id", "end_on");

-- CreateIndex
CREATE INDEX "org_role_org_id_end_on_idx" ON "org_role"("org_id", "end_on");

-- CreateIndex
CREATE INDEX "org_role_person_id_idx" ON "org_role"("person_id");

