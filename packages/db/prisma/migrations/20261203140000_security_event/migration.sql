-- The security event log (issue 13 point 5, 等保 2.0 level 3 安全审计): logins succeeded, failed and
-- throttled, recovery codes used, two-step resets, sessions ended, passwords changed, authorization
-- refusals — who (when known), from where, what; never a password, a code or a personal number.
-- Read by the audit administrators (审计管理员); append-only like admin_audit_log.

-- CreateTable
CREATE TABLE "security_event" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event" TEXT NOT NULL,
    "user_id" UUID,
    "client_address" TEXT,
    "detail" JSONB,

    CONSTRAINT "security_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "security_event_at_id_idx" ON "security_event"("at", "id");

-- CreateIndex
CREATE INDEX "security_event_user_id_at_idx" ON "security_event"("user_id", "at");

-- The database itself refuses to change or remove a security event.
CREATE FUNCTION security_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'security_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER security_event_no_update BEFORE UPDATE OR DELETE ON security_event
  FOR EACH ROW EXECUTE FUNCTION security_event_append_only();
CREATE TRIGGER security_event_no_truncate BEFORE TRUNCATE ON security_event
  FOR EACH STATEMENT EXECUTE FUNCTION security_event_append_only();
