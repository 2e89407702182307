"""Every source of the pipeline, in the order a refresh reads them."""

from connectors import baocao, directory, motcua, nhiemvu, qlvb
from connectors.source import DatabaseSource, GatewaySource

DONTHU = DatabaseSource(
    system="donthu", title_vi="Hệ thống đơn thư, giải quyết khiếu nại, tố cáo (Thanh tra Thành phố)",
    snapshot=("dm_co_quan", "donthu_dm_co_quan"),
    windowed_tables=(("don_thu", "donthu_don_thu"), ("tiep_cong_dan", "donthu_tiep_cong_dan")),
)
GATEWAY_SOURCES: tuple[GatewaySource, ...] = (directory.SOURCE, qlvb.SOURCE, baocao.SOURCE, motcua.SOURCE,
                                              nhiemvu.SOURCE)
SOURCES = {s.system: s for s in (*GATEWAY_SOURCES, DONTHU)}
