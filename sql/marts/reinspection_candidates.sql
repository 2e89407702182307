-- Units to consider for re-inspection (docs/remediation-rules.md): units in force on the as-of date D
-- with at least one overdue recommendation or one contradicted claim in marts.remediation. Their last
-- inspection is the one started last on or before D (ties: the greater inspection id). One Vietnamese
-- sentence per recommendation concerned, contradicted claims first, then by deadline and id. Units
-- with contradicted claims come first, then by overdue recommendations, then by code.
WITH concerned AS (
    SELECT r.*,
           'Kiến nghị ' || r.recommendation_id || ' (cuộc kiểm tra ' || r.inspection_id || ', chỉ số '
               || r.signal_code || ', hạn ' || vn_date(r.deadline) || '): quá hạn, số liệu ' || r.status_vi
               || CASE WHEN r.claim_contradicted
                       THEN '; đơn vị báo cáo đã khắc phục (ngày ' || vn_date(r.claimed_on)
                            || coalesce(', văn bản ' || r.claim_document_no, '') || ') nhưng số liệu không xác nhận'
                       ELSE '' END || '.' AS reason_vi
    FROM marts.remediation r
    WHERE r.overdue OR r.claim_contradicted
), per_unit AS (
    SELECT unit_code,
           count(*) FILTER (WHERE overdue) AS overdue_recommendations,
           count(*) FILTER (WHERE claim_contradicted) AS contradicted_claims,
           list(reason_vi ORDER BY claim_contradicted DESC, deadline, recommendation_id) AS reasons_vi
    FROM concerned
    GROUP BY unit_code
), last_inspection AS (
    SELECT unit_code, inspection_id, started_on,
           row_number() OVER (PARTITION BY unit_code ORDER BY started_on DESC, inspection_id DESC) AS latest
    FROM marts.inspections
    WHERE started_on <= as_of() AND unit_code IS NOT NULL
)
SELECT u.unit_code,
       u.unit_name,
       u.unit_type,
       CAST(p.overdue_recommendations AS INTEGER) AS overdue_recommendations,
       CAST(p.contradicted_claims AS INTEGER) AS contradicted_claims,
       l.inspection_id AS last_inspection_id,
       l.started_on AS last_inspection_started,
       CAST(p.reasons_vi AS VARCHAR[]) AS reasons_vi
FROM per_unit p
JOIN marts.units u USING (unit_code)
LEFT JOIN last_inspection l ON l.unit_code = p.unit_code AND l.latest = 1
WHERE u.valid_from <= as_of() AND (u.valid_to IS NULL OR u.valid_to >= as_of())
ORDER BY p.contradicted_claims DESC, p.overdue_recommendations DESC, u.unit_code
