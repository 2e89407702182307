-- What each score of marts.priority_history is made of: at each of its twelve month-ends, one row per
-- (unit ranked then, ratio signal with data in that month's window), with the pooled counts, the rate and
-- its 95 % Wilson upper bound, the raw and the evidence-weighted shortfall, and the signal's contribution to
-- the score then (a unit's contributions add up to its unrounded score that month). The same rule as
-- marts.priority_signals (intermediate.int_priority_scores); the unit page says which signals moved a unit's
-- score since the previous month-end by comparing these contributions with priority_signals'.
SELECT as_of_month,
       unit_code,
       signal_code,
       numerator,
       denominator,
       value,
       upper_bound,
       threshold,
       shortfall_raw,
       shortfall,
       contribution
FROM intermediate.int_priority_scores
WHERE NOT current
ORDER BY as_of_month, unit_code, signal_code
