-- One row per (unit, month, signal) where the signal's population is non-empty: numerator,
-- denominator (ratio only), value, threshold and whether the unit meets it.
WITH record_signals AS (
    SELECT r.unit_code, r.period, r.signal_code, c.kind, c.threshold,
           count(*) FILTER (WHERE r.counted) AS numerator,
           count(*) AS population
    FROM intermediate.int_signal_records r
    JOIN marts.signal_catalog c USING (signal_code)
    GROUP BY ALL
), all_signals AS (
    SELECT unit_code, period, signal_code, kind, threshold, numerator,
           CASE WHEN kind = 'ratio' THEN population END AS denominator
    FROM record_signals
    UNION ALL
    SELECT h.unit_code, h.period, h.signal_code, c.kind, h.threshold, h.numerator, NULL
    FROM intermediate.int_head_reception h
    JOIN marts.signal_catalog c USING (signal_code)
)
SELECT unit_code,
       period,
       signal_code,
       CAST(numerator AS BIGINT) AS numerator,
       CAST(denominator AS BIGINT) AS denominator,
       CAST(CASE WHEN kind = 'ratio' THEN numerator / denominator ELSE numerator END AS DOUBLE) AS value,
       CAST(threshold AS DOUBLE) AS threshold,
       CASE kind
           WHEN 'count' THEN numerator <= threshold
           WHEN 'ratio' THEN numerator / denominator >= threshold
           ELSE numerator >= threshold
       END AS meets_threshold
FROM all_signals
ORDER BY unit_code, period, signal_code
