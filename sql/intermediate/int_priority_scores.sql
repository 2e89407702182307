-- The ranking of where to inspect first, at thirteen month-ends M: the as-of month itself
-- (marts.inspection_priority) and the twelve months before it (marts.priority_history). For each M,
-- every ratio signal of every unit is pooled over the twelve months ending with M (x = Σ numerator,
-- n = Σ denominator, p = x / n) and weighed by its evidence: u is the upper end of p's 95 % Wilson
-- score interval (exactly 1 when x = n), the shortfall max(0, threshold − u) / threshold is how far
-- below the threshold the unit is at least, with 95 % confidence (spec: inspection_priority). A unit is
-- ranked at M when it has a ratio signal in the window and is in force then: on the as-of date for the
-- as-of month; on M's last day (hieu_luc_den null or ≥ it) for the months before.
-- One row per (M, unit, signal), with the unit's score, rank and reasons at M repeated on each.
WITH months AS (
    SELECT CAST(month_of(as_of()) - to_months(CAST(i AS INTEGER)) AS DATE) AS as_of_month, i = 0 AS current
    FROM range(0, 13) t(i)
), ratio AS (
    SELECT m.unit_code, m.signal_code, m.period, m.numerator, m.denominator, m.threshold
    FROM marts.unit_signals_monthly m
    JOIN marts.signal_catalog c USING (signal_code)
    WHERE c.kind = 'ratio'
), pooled AS (
    SELECT w.as_of_month, w.current, r.unit_code, r.signal_code,
           CAST(sum(r.numerator) AS BIGINT) AS numerator,
           CAST(sum(r.denominator) AS BIGINT) AS denominator,
           CAST(max(r.threshold) AS DOUBLE) AS threshold
    FROM months w
    JOIN ratio r ON r.period BETWEEN CAST(w.as_of_month - INTERVAL 11 MONTH AS DATE) AND w.as_of_month
    GROUP BY ALL
), eligible AS (
    SELECT p.*, u.unit_type
    FROM pooled p
    JOIN staging.stg_units u USING (unit_code)
    WHERE CASE WHEN p.current THEN u.valid_from <= as_of() AND (u.valid_to IS NULL OR u.valid_to >= as_of())
               ELSE u.valid_to IS NULL OR u.valid_to >= last_day(p.as_of_month) END
), weighed AS (
    SELECT *,
           CAST(numerator AS DOUBLE) / denominator AS value,
           CASE WHEN numerator = denominator THEN 1.0 ELSE wilson_upper(numerator, denominator) END AS upper_bound
    FROM eligible
), shortfalls AS (
    SELECT *,
           greatest(0, threshold - value) / threshold AS shortfall_raw,
           greatest(0, threshold - upper_bound) / threshold AS shortfall
    FROM weighed
), scored AS (
    SELECT *,
           count(*) OVER unit AS signals_evaluated,
           100 * avg(shortfall) OVER unit AS score,
           round(100 * avg(shortfall) OVER unit, 2) AS risk_score
    FROM shortfalls
    WINDOW unit AS (PARTITION BY as_of_month, unit_code)
), reasons AS (
    SELECT as_of_month, unit_code,
           coalesce(list(signal_code ORDER BY shortfall DESC, signal_code) FILTER (WHERE shortfall > 0),
                    CAST([] AS VARCHAR[]))[1:3] AS top_reasons
    FROM scored
    GROUP BY as_of_month, unit_code
), ranked AS (
    SELECT as_of_month, unit_code,
           CAST(row_number() OVER (PARTITION BY as_of_month ORDER BY risk_score DESC, unit_code) AS INTEGER) AS rank
    FROM (SELECT DISTINCT as_of_month, unit_code, risk_score FROM scored)
)
SELECT s.as_of_month, s.current, s.unit_code, s.unit_type, s.signal_code, s.numerator, s.denominator, s.value,
       s.upper_bound, s.threshold, s.shortfall_raw, s.shortfall,
       100 * s.shortfall / s.signals_evaluated AS contribution,
       CAST(s.signals_evaluated AS INTEGER) AS signals_evaluated, s.score,
       CAST(s.risk_score AS DOUBLE) AS risk_score, k.rank, r.top_reasons
FROM scored s
JOIN ranked k USING (as_of_month, unit_code)
JOIN reasons r USING (as_of_month, unit_code)
