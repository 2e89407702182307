-- Raw unit values that resolve to no unit (unknown codes, unresolved or ambiguous names, agency rows
-- or ids that lead nowhere), with how many live records carry each in a field a signal attributes by.
WITH code_refs AS (
    SELECT 'qlvb' AS system, ma_don_vi AS source_value, id AS record_id FROM staging.stg_qlvb_documents
    UNION ALL
    SELECT 'baocao', ma_don_vi, CAST(id AS VARCHAR) FROM staging.stg_baocao_obligations
    UNION ALL
    SELECT 'motcua', ma_don_vi, ma_ho_so FROM staging.stg_motcua_dossiers
), unknown_codes AS (
    SELECT system, source_value, count(DISTINCT record_id) AS records
    FROM code_refs
    WHERE source_value IS NOT NULL AND source_value NOT IN (SELECT unit_code FROM staging.stg_units)
    GROUP BY ALL
), unresolved_tasks AS (
    SELECT 'nhiemvu' AS system, t.don_vi_chu_tri AS source_value, count(*) AS records
    FROM staging.stg_nhiemvu_tasks t
    JOIN intermediate.int_task_units u ON u.raw_name = t.don_vi_chu_tri
    WHERE u.unit_code IS NULL
    GROUP BY ALL
), agency_refs AS (
    -- the receiving agency, the resolving agency (when set) and the reception's agency
    SELECT 'don_thu' AS source_table, id, co_quan_tiep_nhan_id AS agency_id FROM staging.stg_donthu_petitions
    UNION ALL
    SELECT 'don_thu', id, co_quan_giai_quyet_id FROM staging.stg_donthu_petitions
    UNION ALL
    SELECT 'tiep_cong_dan', id, co_quan_id FROM staging.stg_donthu_receptions
), unresolved_agencies AS (
    SELECT 'donthu' AS system, coalesce(a.source_value, 'id:' || CAST(r.agency_id AS VARCHAR)) AS source_value,
           count(DISTINCT (r.source_table, r.id)) AS records
    FROM agency_refs r
    LEFT JOIN intermediate.int_agency_units a ON a.agency_id = r.agency_id
    WHERE r.agency_id IS NOT NULL AND a.unit_code IS NULL
    GROUP BY ALL
)
SELECT system, source_value, CAST(records AS BIGINT) AS records
FROM (SELECT * FROM unknown_codes UNION ALL SELECT * FROM unresolved_tasks UNION ALL SELECT * FROM unresolved_agencies)
ORDER BY system, records DESC, source_value
