"""The map's colours are in the unit its colour bar names (万元 for money), as the ranking."""

import pandas as pd

from layouts.figures import choropleth_map
from metrics.indicators import INDICATORS


def test_money_is_coloured_in_wan_yuan() -> None:
    table = pd.DataFrame({"code": ["a", "b"], "name": ["甲", "乙"],
                          "value": [155_100.0, 829_500.0], "rank": [2, 1]})
    spec = choropleth_map({"type": "FeatureCollection", "features": []}, {}, table,
                          INDICATORS["collective_income_mean"], "zh", 2)
    choropleth = spec["data"][0]
    assert choropleth["colorbar"]["title"]["text"] == "万元"
    assert choropleth["z"] == [15.51, 82.95]
    assert (choropleth["zmin"], choropleth["zmax"]) == (15.51, 82.95)
