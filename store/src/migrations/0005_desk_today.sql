-- 0005: the desk's date (in the region pack's time zone), for queries that depend on the plan in force.

CREATE VIEW desk_today AS
SELECT date('now', coalesce((SELECT value FROM desk_meta WHERE key = 'utc_offset_minutes'), '0') || ' minutes')
    AS today;
