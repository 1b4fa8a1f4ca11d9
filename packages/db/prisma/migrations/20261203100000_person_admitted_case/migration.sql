-- 发展党员 writes the member it admitted into the roster (issue 14): the case that did, once per case.
ALTER TABLE "person" ADD COLUMN "admitted_case_id" UUID;
CREATE UNIQUE INDEX "person_admitted_case_id_key" ON "person"("admitted_case_id");
