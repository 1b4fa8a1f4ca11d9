-- Phones encrypted at rest (issue 13 point 6, 个人信息保护法 §51): the roster's and the objections' phones
-- move to phone_cipher (AES-256-GCM under PERSONAL_DATA_KEY, which never enters the database) and
-- phone_hash (HMAC-SHA256 of the digits under a key derived from it, for comparisons). SQL cannot
-- encrypt without the key, so the existing rows are converted by the application right after the
-- migrations (protectPersonalData in packages/db/src/personal-data-migration.ts, run by infra's start
-- and prepare): it fills the new columns and sets the plaintext column to NULL. The plaintext column
-- stays, nullable and always NULL after that step, until a later release drops it (README, Security).
ALTER TABLE "person" ADD COLUMN "phone_cipher" TEXT, ADD COLUMN "phone_hash" TEXT;
ALTER TABLE "objection" ADD COLUMN "phone_cipher" TEXT, ADD COLUMN "phone_hash" TEXT, ALTER COLUMN "phone" DROP NOT NULL;

-- No new plaintext: a row may keep the phone it had before this migration until the conversion
-- clears it, but no statement may write one.
CREATE FUNCTION refuse_plaintext_phone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.phone IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.phone IS DISTINCT FROM OLD.phone) THEN
    RAISE EXCEPTION 'phones are stored encrypted (phone_cipher), never in %.phone', TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER person_no_plaintext_phone BEFORE INSERT OR UPDATE OF phone ON "person" FOR EACH ROW EXECUTE FUNCTION refuse_plaintext_phone();
CREATE TRIGGER objection_no_plaintext_phone BEFORE INSERT OR UPDATE OF phone ON "objection" FOR EACH ROW EXECUTE FUNCTION refuse_plaintext_phone();
