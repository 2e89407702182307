-- What this file holds: real data of the City's systems, or simulated data (DỮ LIỆU MÔ PHỎNG) from the
-- built-in demo city; the as-of date; and the sources the records come from. One row.
WITH sources AS (
    SELECT list(DISTINCT source_identity ORDER BY source_identity) AS identities,
           bool_or(source_identity LIKE 'simulated city%') AS simulated
    FROM meta.sync_state WHERE source_identity IS NOT NULL
)
SELECT CASE WHEN simulated THEN 'DỮ LIỆU MÔ PHỎNG' WHEN NOT simulated THEN 'DỮ LIỆU THẬT'
            ELSE 'CHƯA CÓ DỮ LIỆU' END AS data_kind,
       coalesce(simulated, false) AS simulated,
       as_of() AS as_of,
       CAST(timezone('Asia/Ho_Chi_Minh', built_at()) AS TIMESTAMP) AS built_at,
       coalesce(identities, []) AS source_identities,
       CASE WHEN simulated THEN 'Dữ liệu mô phỏng của thành phố giả lập, chỉ dùng để trình diễn và kiểm thử: '
                                || 'không dùng làm căn cứ kiểm tra.'
            ELSE 'Dữ liệu lấy từ các hệ thống thông tin của Thành phố.' END AS note_vi
FROM sources
