-- The units directory as it is now (dissolved units included): code, name, type, parent, validity.
SELECT ma_dinh_danh AS unit_code, ten AS unit_name, loai AS unit_type, ma_cha AS parent_unit_code,
       ten_khac AS aliases, hieu_luc_tu AS valid_from, hieu_luc_den AS valid_to
FROM raw.directory_don_vi
