-- Every signal of every unit pooled per calendar year (docs/remediation-rules.md), for comparing one
-- year's inspection with the year before: one row per (unit, signal, year) with data, years up to the
-- year of the as-of date (that year so far: year_to_date). Pooled as in marts.remediation: ratio
-- Σ numerator / Σ denominator (met when ≥ the threshold); count the mean per month with data (met when
-- the sum is 0); days the share of months met (met when every month met). The trend compares the value
-- with the year before's: for count signals lower is better, for ratio and days higher.
WITH yearly AS (
    SELECT m.unit_code, CAST(year(m.period) AS INTEGER) AS year, m.signal_code, c.kind,
           sum(m.numerator) AS numerator,
           sum(m.denominator) AS denominator,
           max(m.threshold) AS threshold,
           count(*) AS months,
           count(*) FILTER (WHERE m.meets_threshold) AS months_met
    FROM marts.unit_signals_monthly m
    JOIN marts.signal_catalog c USING (signal_code)
    WHERE year(m.period) <= year(as_of())
    GROUP BY ALL
), valued AS (
    SELECT *,
           CAST(CASE kind WHEN 'ratio' THEN numerator / denominator
                          WHEN 'count' THEN numerator / months
                          ELSE months_met / months END AS DOUBLE) AS value,
           CASE kind WHEN 'ratio' THEN numerator / denominator >= threshold
                     WHEN 'count' THEN numerator = 0
                     ELSE months_met = months END AS meets_threshold
    FROM yearly
), compared AS (
    SELECT v.*,
           p.value AS previous_year_value,
           v.value - p.value AS change,
           EXISTS (SELECT 1 FROM yearly e WHERE e.unit_code = v.unit_code AND e.signal_code = v.signal_code
                   AND e.year < v.year) AS earlier_data
    FROM valued v
    LEFT JOIN valued p ON p.unit_code = v.unit_code AND p.signal_code = v.signal_code AND p.year = v.year - 1
)
SELECT unit_code,
       signal_code,
       year,
       kind,
       CAST(numerator AS BIGINT) AS numerator,
       CAST(CASE WHEN kind = 'ratio' THEN denominator END AS BIGINT) AS denominator,
       value,
       CAST(threshold AS DOUBLE) AS threshold,
       meets_threshold,
       CAST(months AS INTEGER) AS months,
       CAST(months_met AS INTEGER) AS months_met,
       previous_year_value,
       CAST(change AS DOUBLE) AS change,
       CASE WHEN previous_year_value IS NULL AND earlier_data THEN 'năm trước không có số liệu'
            WHEN previous_year_value IS NULL THEN 'năm đầu có số liệu'
            WHEN value = previous_year_value THEN 'không đổi'
            WHEN (value > previous_year_value) = (kind <> 'count') THEN 'tốt lên'
            ELSE 'xấu đi' END AS trend_vi,
       year = year(as_of()) AS year_to_date
FROM compared
ORDER BY unit_code, signal_code, year
