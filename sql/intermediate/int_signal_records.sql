-- Every record-level signal's population in one place: one row per (source record, signal), with
-- whether the record is in the numerator (ratio) or counted (count), and its Vietnamese sentence.
-- materialized: view  (read once by the marts: only the columns and rows they use are computed)
SELECT * FROM intermediate.int_signals_qlvb
UNION ALL SELECT * FROM intermediate.int_signals_baocao
UNION ALL SELECT * FROM intermediate.int_signals_motcua
UNION ALL SELECT * FROM intermediate.int_signals_nhiemvu
UNION ALL SELECT * FROM intermediate.int_signals_donthu
