-- A change signal pushed to every server (decision 0022): any statement that changes what a follow-up or a year's
-- calendar reads notifies the channel budget_change at its commit (PostgreSQL delivers a transaction's notifications
-- only when it commits, once per transaction and channel). Each server listens on a connection of its own and keeps
-- its facts while nothing was notified, as SQLite's data_version lets it do on one machine. The triggers fire for
-- every writer — this store, the CLI, another server, a person with psql — so a change made beside the store moves
-- the signal too. Users, keys and the audit trail do not concern a report and do not notify. The payload is the
-- writer's application_name: a server names its connections uniquely and skips its own notifications (it moved its
-- signal when its write ended; its own notification, coming later, would look like a change beside the store).
CREATE FUNCTION budget_change_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('budget_change', current_setting('application_name'));
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['budget_year', 'estimate_round', 'round_state', 'committee_recommendation', 'year_setting',
                             'account', 'movement', 'posting_day', 'posting_month', 'estimate', 'estimate_version',
                             'fact_change', 'budget_case', 'case_row', 'case_version', 'case_approval'] LOOP
        EXECUTE format('CREATE TRIGGER budget_change_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION budget_change_notify()', t);
    END LOOP;
END $$;
