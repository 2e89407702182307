"""System 1: document management (`/qlvb/v1/van-ban`, offset pages over a moving window)."""

from connectors.source import GatewaySource

SOURCE = GatewaySource(system="qlvb", title_vi="Hệ thống Quản lý văn bản và Điều hành", endpoint="qlvb",
                       table="qlvb_van_ban")
