-- The evidence behind every shortfall, one row per source record: for a ratio signal the population
-- records outside the numerator, for a count signal the counted records.
SELECT r.unit_code, r.period, r.signal_code, r.system, r.source_record_id, r.event_date, r.detail_vi
FROM intermediate.int_signal_records r
JOIN marts.signal_catalog c USING (signal_code)
WHERE (c.kind = 'ratio' AND NOT r.counted) OR (c.kind = 'count' AND r.counted)

