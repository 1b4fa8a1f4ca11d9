-- Two-step verification (TOTP) of accounts, and whether a session passed it.
ALTER TABLE "app_user" ADD COLUMN "totp_secret" TEXT,
ADD COLUMN "totp_pending" TEXT,
ADD COLUMN "totp_enabled_at" TIMESTAMPTZ(3),
ADD COLUMN "totp_last_step" BIGINT;

ALTER TABLE "user_session" ADD COLUMN "second_factor" BOOLEAN NOT NULL DEFAULT false;
