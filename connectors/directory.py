"""The units directory (`/qlvb/v1/don-vi`): the master list of units, read whole every run."""

from connectors.source import GatewaySource

SOURCE = GatewaySource(system="directory", title_vi="Danh mục đơn vị (mã định danh)", endpoint="directory",
                       table="directory_don_vi", windowed=False)
