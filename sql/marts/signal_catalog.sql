-- The signals of models/signals/catalog.py, declared there once (the builder loads them as the temporary tables
-- signal_declarations and signal_unit_type_thresholds): code, system, kind, Vietnamese name and description,
-- threshold (NULL for days signals, whose threshold depends on the unit's type: thresholds_by_unit_type), legal
-- basis, then which way is better, what the counts count, how it is computed and what its evidence is.
WITH by_unit_type AS (
    SELECT signal_code,
           list({'unit_type': unit_type, 'threshold': threshold} ORDER BY position) AS thresholds_by_unit_type
    FROM signal_unit_type_thresholds
    GROUP BY signal_code
)
SELECT d.signal_code, d.system, d.kind, d.name_vi, d.description_vi, CAST(d.threshold AS DOUBLE) AS threshold,
       d.legal_basis, d.direction, d.unit_of_measure_vi, t.thresholds_by_unit_type, d.computation_vi, d.evidence_vi
FROM signal_declarations d
LEFT JOIN by_unit_type t ON t.signal_code = d.signal_code
ORDER BY d.position
