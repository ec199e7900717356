"""Rate limits shared by every worker and instance: a sliding-window counter per client.

Revision ID: 0005
Revises: 0004

UNLOGGED: the counters are worth nothing after a crash, and skipping the WAL keeps each request's
update cheap. One function call per request takes a slot atomically (the row lock serialises one
client's concurrent requests), so the limit holds across processes and machines.
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
    # client that slows down is served again. Returns 0 (allowed) or the seconds to wait.
    op.execute("""
        CREATE FUNCTION rate_limit_take(p_key text, p_limit integer, p_period double precision)
        RETURNS double precision LANGUAGE plpgsql AS $$
        DECLARE
            t double precision := extract(epoch FROM clock_timestamp()) / p_period;
            w bigint := floor(t);
            f double precision := t - floor(t);
            r record;
            prev integer := 0;
            cur integer := 0;
        BEGIN
            INSERT INTO rate_limits (key, window_index, current, previous) VALUES (p_key, w, 0, 0)
            ON CONFLICT (key) DO NOTHING;
            SELECT window_index, current, previous INTO r FROM rate_limits WHERE key = p_key FOR UPDATE;
            IF r.window_index = w THEN
                prev := r.previous; cur := r.current;
            ELSIF r.window_index = w - 1 THEN
                prev := r.current;
            END IF;
            IF prev * (1 - f) + cur + 1 > p_limit THEN
                UPDATE rate_limits SET window_index = w, current = cur, previous = prev WHERE key = p_key;
                IF cur + 1 > p_limit OR prev = 0 THEN
                    RETURN (1 - f) * p_period;  -- full on its own: wait for the next window
                END IF;
                RETURN greatest(1 - (p_limit - cur - 1)::double precision / prev - f, 0.001) * p_period;
            END IF;
            UPDATE rate_limits SET window_index = w, current = cur + 1, previous = prev WHERE key = p_key;
            IF random() < 0.001 THEN  -- now and then, forget clients idle for two windows
                DELETE FROM rate_limits WHERE window_index < w - 1;
            END IF;
            RETURN 0;
        END $$""")


def downgrade() -> None:
    op.execute("DROP FUNCTION rate_limit_take(text, integer, double precision)")
    op.execute("DROP TABLE rate_limits")
