-- The working-day calendar the deadlines are counted with, for inspectors' own queries: one row per day
-- from the first year of the announcements (2023) or of the data that deadlines are counted from
-- (petitions received or accepted, inspections' reference dates), whichever is earlier, to the end of the
-- year after the as-of date.
WITH bounds AS (
    SELECT least((SELECT min(year(day)) FROM intermediate.int_working_days WHERE source = 'THONG_BAO'),
                 (SELECT year(min(least(ngay_nhan, ngay_thu_ly))) FROM staging.stg_donthu_petitions),
                 (SELECT year(min(reference_date)) FROM marts.inspections)) AS first_year,
           year(as_of()) + 1 AS last_year
)
SELECT day, weekday_vi, working_day, reason_vi, source
FROM intermediate.int_working_days, bounds
WHERE year(day) BETWEEN first_year AND last_year
ORDER BY day
