-- Every signal of every unit pooled over the twelve months ending with the as-of month (the window of
-- inspection_priority): one row per (unit, signal) with data in the window, dissolved units included.
-- Ratio signals: Σ numerator / Σ denominator, met when ≥ the threshold, shortfall
-- max(0, threshold − pooled) / threshold. Count signals: Σ numerator, met when ≤ the threshold (0).
-- Days signals: Σ days, met when every month with data met the unit type's monthly days (a sum of
-- days cannot be held against a monthly requirement). Count and days signals have no shortfall.
-- The window comes from the macros pool_first_month() and pool_last_month() and the SQL reads marts
-- tables only, so `cchc brief` runs this same SQL on the published file to pool another window.
WITH monthly AS (
    SELECT m.unit_code, m.signal_code, c.kind, m.numerator, m.denominator, m.threshold, m.meets_threshold
    FROM marts.unit_signals_monthly m
    JOIN marts.signal_catalog c USING (signal_code)
    WHERE m.period BETWEEN pool_first_month() AND pool_last_month()
), summed AS (
    SELECT unit_code, signal_code, kind,
           sum(numerator) AS numerator,
           sum(denominator) AS denominator,
           max(threshold) AS threshold,
           count(*) AS months,
           count(*) FILTER (WHERE meets_threshold) AS months_met
    FROM monthly
    GROUP BY ALL
), pooled AS (
    SELECT *, CASE WHEN kind = 'ratio' THEN numerator / denominator ELSE numerator END AS pooled
    FROM summed
)
SELECT unit_code,
       signal_code,
       kind,
       CAST(numerator AS BIGINT) AS numerator,
       CAST(CASE WHEN kind = 'ratio' THEN denominator END AS BIGINT) AS denominator,
       CAST(pooled AS DOUBLE) AS pooled_value,
       CAST(threshold AS DOUBLE) AS threshold,
       CAST(CASE WHEN kind = 'ratio' THEN greatest(0, threshold - pooled) / threshold END AS DOUBLE) AS shortfall,
       CASE kind
           WHEN 'ratio' THEN pooled >= threshold
           WHEN 'count' THEN pooled <= threshold
           ELSE months_met = months
       END AS meets_threshold,
       CAST(months AS INTEGER) AS months,
       CAST(months_met AS INTEGER) AS months_met,
       pool_first_month() AS period_from,
       pool_last_month() AS period_to
FROM pooled
ORDER BY unit_code, signal_code
