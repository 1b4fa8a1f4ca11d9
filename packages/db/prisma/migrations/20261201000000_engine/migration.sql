-- Reference data read by the worker when a step opens is cached there; every change notifies it.
CREATE OR REPLACE FUNCTION notify_reference_data() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('reference_data', TG_TABLE_NAME);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER policy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_data();
CREATE TRIGGER calendar_day_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_day
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_data();
CREATE TRIGGER calendar_year_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_year
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_data();
CREATE TRIGGER org_unit_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_unit
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_data();
