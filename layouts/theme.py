"""One palette: colour-blind-safe status colours (with icon and word as well), map scales."""

from __future__ import annotations

from metrics.targets import Status

STATUS_COLOURS: dict[Status, str] = {
    "green": "#009E73", "yellow": "#E69F00", "red": "#D55E00", "none": "#8a94a3",
}
STATUS_ICONS: dict[Status, str] = {"green": "✔", "yellow": "▲", "red": "✖", "none": "•"}
STATUS_WORDS: dict[Status, tuple[str, str]] = {
    "green": ("达标", "on target"), "yellow": ("预警", "warning"), "red": ("落后", "behind"),
    "none": ("无目标", "no target"),
}
# Sequential, colour-blind safe; reversed for indicators where lower is better.
MAP_SCALE = "Blues"
NO_DATA_COLOUR = "#e6e9ee"
FONT_FAMILY = ("Microsoft YaHei, PingFang SC, Noto Sans CJK SC, Source Han Sans SC, "
               "WenQuanYi Micro Hei, sans-serif")
