-- The evidence behind every shortfall, one row per source record: for a ratio signal the population
-- records outside the numerator, for a count signal the counted records.
-- (`count_signals`: the catalog's count signals, set by the builder; marts.signal_catalog holds them too.)
SELECT r.unit_code, r.period, r.signal_code, r.system, r.source_record_id, r.event_date, r.detail_vi
FROM intermediate.int_signal_records r
WHERE r.counted = list_contains(getvariable('count_signals'), r.signal_code)

