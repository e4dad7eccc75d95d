"""One palette: colour-blind-safe status colours (with icon and word as well), map scales."""

from __future__ import annotations

from typing import Any

from metrics.targets import Status

# A plotly colour scale: [stop, colour] pairs, kept as lists as plotly writes them.
ColourScale = list[list[Any]]

STATUS_COLOURS: dict[Status, str] = {
    "green": "#009E73", "yellow": "#E69F00", "red": "#D55E00", "none": "#8a94a3",
    "few": "#8a94a3",
}
# The same hues as text on the wall's dark panels (#131d2e), each at least 4.5:1 against them:
# the wall's red is lighter than the charts' so that its words read from across the room.
WALL_STATUS_TEXT: dict[Status, str] = {**STATUS_COLOURS, "red": "#E8742A"}
STATUS_ICONS: dict[Status, str] = {"green": "✔", "yellow": "▲", "red": "✖", "none": "•",
                                   "few": "◌"}
# The words say what the colour means against the target (metrics/targets.py): red is "below
# target", never "behind", so that it cannot read as a verdict on a target the card meets.
STATUS_WORDS: dict[Status, tuple[str, str]] = {
    "green": ("达标", "on target"), "yellow": ("预警", "near target"),
    "red": ("未达标", "below target"), "none": ("无目标", "no target"),
    "few": ("样本不足", "too few cases"),
}
BOTTOM_WORDS = ("末位", "bottom 3")
# Sequential single-hue blues, colour-blind safe, never so dark that labels drown;
# reversed for indicators where lower is better.
MAP_SCALE: ColourScale = [[0.0, "#eef5fc"], [0.5, "#9cc3e6"], [1.0, "#3b7fc4"]]
MAP_SCALE_REVERSED = [[1 - stop, colour] for stop, colour in reversed(MAP_SCALE)]
TREND_COLOURS = ["#0b5cad", "#D55E00", "#009E73", "#E69F00"]
NO_DATA_COLOUR = "#e6e9ee"
FONT_FAMILY = ("Microsoft YaHei, PingFang SC, Noto Sans CJK SC, Source Han Sans SC, "
               "WenQuanYi Micro Hei, sans-serif")
