-- The keyed record chain (README, Security): how each event's hash was formed, and which key formed it.
-- Events written before this migration keep chain_version 1 (unkeyed SHA-256) and verify by that rule.
ALTER TABLE "case_event" ADD COLUMN "chain_version" SMALLINT NOT NULL DEFAULT 1,
ADD COLUMN "key_id" TEXT;
