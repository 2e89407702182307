"""System 4: task tracking (`/nhiemvu/v1/nhiem-vu`, `Link` header paging, units named not coded)."""

from connectors.source import GatewaySource

SOURCE = GatewaySource(system="nhiemvu", title_vi="Hệ thống theo dõi nhiệm vụ UBND Thành phố giao",
                       endpoint="nhiemvu", table="nhiemvu_nhiem_vu")
