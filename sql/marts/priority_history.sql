-- How the ranking moved: at each of the twelve month-ends before the as-of month, the ranking of
-- marts.inspection_priority computed as it would have been then: the twelve months ending with that
-- month, the units in force on its last day (intermediate.int_priority_scores).
SELECT DISTINCT as_of_month,
       unit_code,
       risk_score,
       rank,
       signals_evaluated,
       top_reasons
FROM intermediate.int_priority_scores
WHERE NOT current
ORDER BY as_of_month, rank
