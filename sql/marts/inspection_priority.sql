-- Where to send a surprise inspection first: units in force on the as-of date with a ratio signal in the
-- twelve months ending with the as-of month, scored by the mean evidence-weighted shortfall of those
-- signals (intermediate.int_priority_scores: the pooled rate's 95 % Wilson upper bound against the
-- threshold, so a unit is never sent to the top by one case). What each score is made of:
-- marts.priority_signals.
SELECT DISTINCT s.unit_code,
       u.unit_name,
       u.unit_type,
       s.risk_score,
       s.rank,
       s.signals_evaluated,
       s.top_reasons
FROM intermediate.int_priority_scores s
JOIN staging.stg_units u USING (unit_code)
WHERE s.current
ORDER BY s.rank
