-- The Inspectorate's own list of agencies (dm_co_quan).
SELECT id AS agency_id, ten, ma_dinh_danh FROM raw.donthu_dm_co_quan
