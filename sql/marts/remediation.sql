-- Remediation checked against the data (docs/remediation-rules.md): one row per recommendation of the
-- register that names a signal. Reference date C = the inspection's reference date; deadline DL = the
-- recommendation's, else C + 90 days, moved to the next working day when that is a day off
-- (intermediate.int_working_days; Civil Code 2015 Art. 148(5)). The unit's monthly rows of the signal are pooled per kind (ratio:
-- Σ numerator / Σ denominator, met when ≥ the threshold; count: mean per month with data, met when the
-- sum is 0; days: share of months met, met when every month met) over the baseline (the 12 months
-- before the month of C) and the after window (the latest 6 months with data among the complete months
-- after the month of DL: a unit dissolved since is judged on its last months). Status: CHUA_DU_DU_LIEU when DL is not past due or the after window has fewer than 2 months
-- with data (ratio: or fewer than 5 cases); else DA_KHAC_PHUC when the after window meets; else, against
-- the baseline, CO_CAI_THIEN / XAU_DI beyond the margins of the rules, CHUA_KHAC_PHUC otherwise. The
-- margins are compared in integers (cross-multiplied), so a tie at a margin is exact. The claim is the
-- unit's latest remediation report for the recommendation or for its whole inspection.
WITH recs AS (
    SELECT r.recommendation_id, r.inspection_id, i.unit_code, i.unit_name, r.signal_code, c.kind,
           c.threshold AS catalog_threshold,
           i.reference_date,
           r.deadline IS NULL AS default_deadline,
           CAST(i.reference_date + INTERVAL 90 DAY AS DATE) AS default_end,  -- C + 90 calendar days
           end90.reason_vi AS default_end_reason,
           -- past the calendar's last day, C + 90 is after the as-of date anyway: left as it is
           coalesce(r.deadline, end90.on_or_next_working_day, CAST(i.reference_date + INTERVAL 90 DAY AS DATE))
               AS deadline,
           CAST(month_of(i.reference_date) - INTERVAL 12 MONTH AS DATE) AS baseline_from,
           CAST(month_of(i.reference_date) - INTERVAL 1 MONTH AS DATE) AS baseline_to,
           month_of(i.reference_date) AS since_from,
           CAST(month_of(as_of()) - INTERVAL 1 MONTH AS DATE) AS last_month
    FROM marts.recommendations r
    JOIN marts.inspections i USING (inspection_id)
    JOIN marts.signal_catalog c USING (signal_code)
    LEFT JOIN intermediate.int_working_days end90 ON end90.day = i.reference_date + INTERVAL 90 DAY
), windows AS (
    SELECT *, CAST(month_of(deadline) + INTERVAL 1 MONTH AS DATE) AS after_start
    FROM recs
), months AS (
    SELECT w.recommendation_id, m.period, m.numerator, m.denominator, m.value, m.threshold, m.meets_threshold,
           m.period BETWEEN w.baseline_from AND w.baseline_to AS in_baseline,
           m.period BETWEEN w.after_start AND w.last_month AS after_deadline,
           m.period BETWEEN w.since_from AND w.last_month AS in_since
    FROM windows w
    JOIN marts.unit_signals_monthly m ON m.unit_code = w.unit_code AND m.signal_code = w.signal_code
), monthly AS (
    -- the after window: the latest six months with data after the deadline's month
    SELECT *, after_deadline AND row_number() OVER (PARTITION BY recommendation_id, after_deadline
                                                    ORDER BY period DESC) <= 6 AS in_after
    FROM months
), summed AS (
    SELECT recommendation_id,
           max(threshold) AS unit_threshold,
           count(*) FILTER (WHERE in_baseline) AS b_months,
           count(*) FILTER (WHERE in_baseline AND meets_threshold) AS b_met,
           coalesce(sum(numerator) FILTER (WHERE in_baseline), 0) AS b_num,
           coalesce(sum(denominator) FILTER (WHERE in_baseline), 0) AS b_den,
           count(*) FILTER (WHERE in_after) AS a_months,
           count(*) FILTER (WHERE in_after AND meets_threshold) AS a_met,
           coalesce(sum(numerator) FILTER (WHERE in_after), 0) AS a_num,
           coalesce(sum(denominator) FILTER (WHERE in_after), 0) AS a_den,
           min(period) FILTER (WHERE in_after) AS after_from,
           max(period) FILTER (WHERE in_after) AS after_to,
           list({'period': period, 'numerator': numerator, 'denominator': denominator, 'value': value,
                 'meets_threshold': meets_threshold} ORDER BY period) FILTER (WHERE in_since) AS monthly_since
    FROM monthly
    GROUP BY recommendation_id
), joined AS (
    SELECT w.*,
           coalesce(w.catalog_threshold, s.unit_threshold) AS threshold,
           coalesce(s.b_months, 0) AS b_months, coalesce(s.b_met, 0) AS b_met,
           coalesce(s.b_num, 0) AS b_num, coalesce(s.b_den, 0) AS b_den,
           coalesce(s.a_months, 0) AS a_months, coalesce(s.a_met, 0) AS a_met,
           coalesce(s.a_num, 0) AS a_num, coalesce(s.a_den, 0) AS a_den,
           s.after_from, s.after_to, s.monthly_since
    FROM windows w
    LEFT JOIN summed s USING (recommendation_id)
), valued AS (
    SELECT *,
           CASE WHEN b_months > 0 THEN CASE kind WHEN 'ratio' THEN b_num / b_den
                                                 WHEN 'count' THEN b_num / b_months
                                                 ELSE b_met / b_months END END AS baseline_value,
           CASE WHEN a_months > 0 THEN CASE kind WHEN 'ratio' THEN a_num / a_den
                                                 WHEN 'count' THEN a_num / a_months
                                                 ELSE a_met / a_months END END AS after_value,
           CASE kind WHEN 'ratio' THEN a_num / a_den >= catalog_threshold
                     WHEN 'count' THEN a_num = 0
                     ELSE a_met = a_months END AS after_meets,
           deadline >= as_of() AS not_due,
           a_months < 2 OR (kind = 'ratio' AND a_den < 5) AS too_little,
           -- the margins, cross-multiplied into integers (a = after window, b = baseline)
           CASE kind
               WHEN 'ratio' THEN 20 * (a_num * b_den - b_num * a_den) >= a_den * b_den
               WHEN 'count' THEN 2 * a_num * b_months <= b_num * a_months
               ELSE 4 * (a_met * b_months - b_met * a_months) >= a_months * b_months
           END AS better,
           CASE kind
               WHEN 'ratio' THEN 20 * (a_num * b_den - b_num * a_den) <= -(a_den * b_den)
               WHEN 'count' THEN 2 * a_num * b_months >= 3 * b_num * a_months
                                 AND 2 * a_num * b_months > 2 * b_num * a_months + a_months * b_months
               ELSE 4 * (a_met * b_months - b_met * a_months) <= -(a_months * b_months)
           END AS worse
    FROM joined
), judged AS (
    SELECT *,
           CASE WHEN not_due OR too_little THEN 'CHUA_DU_DU_LIEU'
                WHEN after_meets THEN 'DA_KHAC_PHUC'
                WHEN b_months = 0 THEN 'CHUA_KHAC_PHUC'
                WHEN better THEN 'CO_CAI_THIEN'
                WHEN worse THEN 'XAU_DI'
                ELSE 'CHUA_KHAC_PHUC' END AS status
    FROM valued
), labelled AS (
    SELECT *,
           CASE status WHEN 'DA_KHAC_PHUC' THEN 'đã khắc phục'
                       WHEN 'CO_CAI_THIEN' THEN 'có cải thiện'
                       WHEN 'CHUA_KHAC_PHUC' THEN 'chưa khắc phục'
                       WHEN 'XAU_DI' THEN 'xấu đi'
                       ELSE 'chưa đủ dữ liệu' END AS status_vi
    FROM judged
), reports AS (
    SELECT j.recommendation_id, p.claim, p.reported_on, p.document_no,
           row_number() OVER (PARTITION BY j.recommendation_id
                              ORDER BY p.reported_on DESC, p.recommendation_id IS NOT NULL DESC,
                                       p.source_file DESC, p.source_row DESC) AS latest
    FROM labelled j
    JOIN staging.stg_kiemtra_reports p
      ON p.recommendation_id = j.recommendation_id
      OR (p.recommendation_id IS NULL AND p.inspection_id = j.inspection_id)
    WHERE p.reported_on <= as_of()
), claimed AS (
    SELECT j.*, p.claim, p.reported_on AS claimed_on, p.document_no AS claim_document_no
    FROM labelled j
    LEFT JOIN reports p ON p.recommendation_id = j.recommendation_id AND p.latest = 1
), worded AS (
    -- the numbers as an inspector reads them: percents with a comma decimal, months mm/yyyy, dates dd/mm/yyyy
    SELECT *,
           CASE kind
               WHEN 'ratio' THEN 'ngưỡng ' || replace(printf('%g', 100 * threshold), '.', ',') || '%'
               WHEN 'count' THEN 'ngưỡng 0 trường hợp mỗi tháng'
               ELSE 'ngưỡng ' || printf('%g', threshold) || ' ngày mỗi tháng'
           END AS threshold_text,
           pooled_text(kind, after_value, a_num, a_den, a_months, a_met) AS after_text,
           pooled_text(kind, baseline_value, b_num, b_den, b_months, b_met) AS baseline_text,
           'hạn khắc phục ' || vn_date(deadline)
               || CASE WHEN default_deadline AND deadline <> default_end
                       THEN ' (không ghi hạn: 90 ngày sau ngày ' || vn_date(reference_date) || ' là ' || vn_date(default_end)
                            || ', ngày nghỉ: ' || default_end_reason || ', nên hạn là ngày làm việc tiếp theo)'
                       WHEN default_deadline THEN ' (không ghi hạn: 90 ngày sau ngày ' || vn_date(reference_date) || ')'
                       ELSE '' END AS deadline_text,
           CASE WHEN a_months = 0 THEN 'từ tháng ' || strftime(after_start, '%m/%Y') || ' đến tháng '
                                       || strftime(last_month, '%m/%Y')
                WHEN after_from = after_to THEN 'tháng ' || strftime(after_from, '%m/%Y')
                ELSE 'các tháng ' || strftime(after_from, '%m/%Y') || '–' || strftime(after_to, '%m/%Y') END
               AS after_span,
           'từ tháng ' || strftime(baseline_from, '%m/%Y') || ' đến tháng ' || strftime(baseline_to, '%m/%Y') AS baseline_span
    FROM claimed
)
SELECT recommendation_id,
       inspection_id,
       unit_code,
       unit_name,
       signal_code,
       kind,
       CAST(threshold AS DOUBLE) AS threshold,
       reference_date,
       deadline,
       baseline_from,
       baseline_to,
       CAST(baseline_value AS DOUBLE) AS baseline_value,
       CAST(b_months AS INTEGER) AS baseline_months,
       coalesce(monthly_since, CAST([] AS STRUCT(period DATE, numerator BIGINT, denominator BIGINT, value DOUBLE,
                                                 meets_threshold BOOLEAN)[])) AS monthly_since,
       after_from,
       after_to,
       CAST(after_value AS DOUBLE) AS after_value,
       CAST(a_months AS INTEGER) AS after_months,
       status,
       status_vi,
       deadline < as_of() AND status IN ('CO_CAI_THIEN', 'CHUA_KHAC_PHUC', 'XAU_DI') AS overdue,
       claim,
       CASE claim WHEN 'DA_KHAC_PHUC' THEN 'Đã khắc phục' WHEN 'DANG_KHAC_PHUC' THEN 'Đang khắc phục' END AS claim_vi,
       claimed_on,
       claim_document_no,
       coalesce(claim = 'DA_KHAC_PHUC' AND status IN ('CO_CAI_THIEN', 'CHUA_KHAC_PHUC', 'XAU_DI'), false)
           AS claim_contradicted,
       CASE
           WHEN not_due THEN
               'Chưa đủ dữ liệu: chưa hết hạn khắc phục (' || deadline_text || ', ngày đánh giá '
               || vn_date(as_of()) || ').'
           WHEN after_start > last_month THEN
               'Chưa đủ dữ liệu: chưa đủ số liệu sau hạn (' || deadline_text
               || '), chưa có tháng trọn vẹn nào sau tháng của hạn.'
           WHEN too_little THEN
               'Chưa đủ dữ liệu: chưa đủ số liệu sau hạn (' || deadline_text || '), ' || after_span || ' có '
               || a_months || ' tháng có số liệu' || CASE WHEN kind = 'ratio' THEN ' với ' || a_den || ' trường hợp' ELSE '' END
               || ', cần ít nhất 2 tháng' || CASE WHEN kind = 'ratio' THEN ' và 5 trường hợp' ELSE '' END || '.'
           ELSE
               upper(left(status_vi, 1)) || substr(status_vi, 2) || ': sau ' || deadline_text || ', '
               || after_span || ' ' || after_text || ', ' || CASE WHEN after_meets THEN 'đạt ' ELSE 'chưa đạt ' END
               || threshold_text || '; 12 tháng trước kiểm tra ' || baseline_span
               || CASE WHEN b_months > 0 THEN ': ' || baseline_text ELSE ': không có số liệu để so sánh' END || '.'
       END AS explanation_vi
FROM worded
ORDER BY unit_code, inspection_id, recommendation_id
