-- What each score of marts.inspection_priority is made of: one row per (unit, ratio signal with data in
-- the window), with the pooled counts, the rate and its 95 % Wilson upper bound, the raw and the
-- evidence-weighted shortfall, the signal's contribution to the score (a unit's contributions add up to
-- its unrounded score), and the unit's standing among its peers: the units of inspection_priority of the
-- same type with data for the signal, ranked by rate, 1 = the lowest (ties share the lowest rank).
SELECT unit_code,
       signal_code,
       numerator,
       denominator,
       value,
       upper_bound,
       threshold,
       shortfall_raw,
       shortfall,
       contribution,
       CAST(rank() OVER (PARTITION BY unit_type, signal_code ORDER BY value) AS INTEGER) AS peer_rank,
       CAST(count(*) OVER (PARTITION BY unit_type, signal_code) AS INTEGER) AS peers
FROM intermediate.int_priority_scores
WHERE current
ORDER BY unit_code, signal_code
