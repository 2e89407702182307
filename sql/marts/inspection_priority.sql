-- Where to send a surprise inspection first: units in force on the as-of date, scored by the mean
-- shortfall of their ratio signals pooled over the twelve months ending with the as-of month
-- (marts.unit_signals_pooled).
WITH scored AS (
    SELECT unit_code,
           count(*) AS signals_evaluated,
           round(100 * avg(shortfall), 2) AS risk_score,
           list(signal_code ORDER BY shortfall DESC, signal_code) FILTER (WHERE shortfall > 0) AS reasons
    FROM marts.unit_signals_pooled
    WHERE kind = 'ratio'
    GROUP BY unit_code
)
SELECT u.unit_code,
       u.unit_name,
       u.unit_type,
       CAST(s.risk_score AS DOUBLE) AS risk_score,
       CAST(row_number() OVER (ORDER BY s.risk_score DESC, u.unit_code) AS INTEGER) AS rank,
       CAST(s.signals_evaluated AS INTEGER) AS signals_evaluated,
       coalesce(s.reasons[1:3], CAST([] AS VARCHAR[])) AS top_reasons
FROM scored s
JOIN staging.stg_units u USING (unit_code)
WHERE u.valid_from <= as_of() AND (u.valid_to IS NULL OR u.valid_to >= as_of())
ORDER BY rank
