"""System 2: reporting (`/baocao/v1/ky-bao-cao`, cursor paging, times in UTC)."""

from connectors.source import GatewaySource

SOURCE = GatewaySource(system="baocao", title_vi="Hệ thống thông tin báo cáo", endpoint="baocao",
                       table="baocao_ky_bao_cao")
