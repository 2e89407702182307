"""System 3: the one-stop shop (`/motcua/v1/ho-so`, offset pages, `error_code` under HTTP 200)."""

from connectors.source import GatewaySource

SOURCE = GatewaySource(system="motcua", title_vi="Hệ thống Một cửa điện tử dùng chung 3 cấp", endpoint="motcua",
                       table="motcua_ho_so")
