"""The wall's reads: one region's snapshot, the map's layers, the center's header.

The package's public face; inside it, modules import from where a name is defined:
`regions` (region lookup, bounds, the read's clock), `counts` (KPIs, series, ranking),
`center` (header, four haves), `snapshot` (`wall_snapshot`), `mapdata` (territory, cell
metrics, cell card, markers). `situation` holds the frozen values they return.
"""

from services.wall.center import HANDOVER_GRACE, four_haves, header
from services.wall.counts import children, daily, kpis, next_change, rolled_up
from services.wall.mapdata import (
    MAP_METRICS,
    RISK_THRESHOLDS,
    MapPoints,
    Territory,
    cell_detail,
    cell_metric,
    grid_counts,
    map_points,
    territory,
)
from services.wall.regions import (
    LEVEL_COLUMN,
    Clock,
    RegionRef,
    region_by_code,
    resolve_center,
    root_region_code,
)
from services.wall.snapshot import wall_snapshot

__all__ = [
    "HANDOVER_GRACE", "LEVEL_COLUMN", "MAP_METRICS", "RISK_THRESHOLDS", "Clock", "MapPoints",
    "RegionRef", "Territory", "cell_detail", "cell_metric", "children", "daily", "four_haves",
    "grid_counts", "header", "kpis", "map_points", "next_change", "region_by_code",
    "resolve_center", "rolled_up", "root_region_code", "territory", "wall_snapshot",
]  # fmt: skip
