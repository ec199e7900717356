"""Rate limits shared by every worker and instance: a sliding-window counter per client.

Revision ID: 0005
Revises: 0004

UNLOGGED: the counters are worth nothing after a crash, and skipping the WAL keeps each update cheap.
Taking slots is one function call per batch of requests (app/ops/ratelimit.py); row locks serialise
one client's concurrent requests, so the limit holds across processes and machines.
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE UNLOGGED TABLE rate_limits (
            key text PRIMARY KEY,
            window_index bigint NOT NULL,   -- floor(epoch seconds / period)
            current integer NOT NULL,       -- requests allowed in that window
            previous integer NOT NULL       -- requests allowed in the window before it
        )""")
    # Sliding-window counter: the previous window's count weighted by how much of it still lies
    # inside the last period, plus the current window's. Only allowed requests are counted, so a
    # client that slows down is served again. One call takes slots for many clients at once (a
    # worker sends what queued while its previous call ran): for each key, how many of the asked
    # slots were granted, and the seconds until the next one would be. Keys are locked in sorted
    # order, so two workers' calls cannot deadlock.
    op.execute("""
        CREATE FUNCTION rate_limit_take(p_keys text[], p_counts integer[], p_limit integer,
                                        p_period double precision)
        RETURNS TABLE (key text, granted integer, retry_after double precision)
        LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE
            t double precision := extract(epoch FROM clock_timestamp()) / p_period;
            w bigint := floor(t);
            f double precision := t - floor(t);
            ask record;
            r record;
            prev integer;
            cur integer;
            room double precision;
        BEGIN
            FOR ask IN SELECT k, c FROM unnest(p_keys, p_counts) AS a(k, c) ORDER BY k LOOP
                INSERT INTO rate_limits AS l (key, window_index, current, previous) VALUES (ask.k, w, 0, 0)
                ON CONFLICT ON CONSTRAINT rate_limits_pkey DO NOTHING;
                SELECT l.window_index, l.current, l.previous INTO r FROM rate_limits l WHERE l.key = ask.k FOR UPDATE;
                prev := 0; cur := 0;
                IF r.window_index = w THEN
                    prev := r.previous; cur := r.current;
                ELSIF r.window_index = w - 1 THEN
                    prev := r.current;
                END IF;
                room := p_limit - prev * (1 - f) - cur;
                granted := least(ask.c, greatest(0, floor(room)::integer));
                cur := cur + granted;
                UPDATE rate_limits l SET window_index = w, current = cur, previous = prev WHERE l.key = ask.k;
                key := ask.k;
                IF granted = ask.c THEN
                    retry_after := 0;
                ELSIF cur + 1 > p_limit OR prev = 0 THEN
                    retry_after := (1 - f) * p_period;  -- full on its own: wait for the next window
                ELSE
                    retry_after := greatest(1 - (p_limit - cur - 1)::double precision / prev - f, 0.001) * p_period;
                END IF;
                RETURN NEXT;
            END LOOP;
            IF random() < 0.01 THEN  -- now and then, forget clients idle for two windows
                DELETE FROM rate_limits l WHERE l.window_index < w - 1;
            END IF;
        END $$""")


def downgrade() -> None:
    op.execute("DROP FUNCTION rate_limit_take(text[], integer[], integer, double precision)")
    op.execute("DROP TABLE rate_limits")
