-- DONTHU_TIEP_DAN_THU_TRUONG (Law on Citizen Reception 2013): one row per (unit, month) of its population,
-- every unit of a type with required days (signal_unit_type_thresholds, from models/signals/catalog.py) in force
-- for the whole month, for each month from the first month with any live reception session (of any agency,
-- resolved or not) to the last month that ended before the as-of date. numerator = distinct days in that month
-- on which the head of the unit (THU_TRUONG) led a live session of an agency resolving to it, 0 when none;
-- threshold = days required a month by the unit's type.
WITH bounds AS (
    SELECT month_of(min(ngay_tiep)) AS first_month,
           CAST(month_of(as_of()) - INTERVAL 1 MONTH AS DATE) AS last_month
    FROM staging.stg_donthu_receptions
    WHERE ngay_tiep <= as_of()
), months AS (
    -- empty when there is no session at all (NULL bound) or none before the last finished month
    SELECT CAST(unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH)) AS DATE) AS period
    FROM bounds
), required AS (
    SELECT t.signal_code, u.unit_code, u.unit_type, u.valid_from, u.valid_to, t.threshold
    FROM staging.stg_units u
    JOIN signal_unit_type_thresholds t ON t.unit_type = u.unit_type
    WHERE t.signal_code = 'DONTHU_TIEP_DAN_THU_TRUONG'
), population AS (
    SELECT r.signal_code, r.unit_code, r.unit_type, m.period, r.threshold
    FROM required r
    JOIN months m ON r.valid_from <= m.period AND (r.valid_to IS NULL OR r.valid_to >= last_day(m.period))
), head_days AS (
    SELECT DISTINCT a.unit_code, s.ngay_tiep
    FROM staging.stg_donthu_receptions s
    JOIN intermediate.int_agency_units a ON a.agency_id = s.co_quan_id
    WHERE s.vai_tro_chu_tri = 'THU_TRUONG'
      AND a.unit_code IS NOT NULL
      AND s.ngay_tiep <= as_of()
)
SELECT CAST(p.signal_code AS VARCHAR) AS signal_code, CAST(p.unit_code AS VARCHAR) AS unit_code,
       CAST(p.unit_type AS VARCHAR) AS unit_type, CAST(p.period AS DATE) AS period,
       CAST(count(h.ngay_tiep) AS BIGINT) AS numerator, CAST(p.threshold AS DOUBLE) AS threshold
FROM population p
LEFT JOIN head_days h ON h.unit_code = p.unit_code AND month_of(h.ngay_tiep) = p.period
GROUP BY p.signal_code, p.unit_code, p.unit_type, p.period, p.threshold
