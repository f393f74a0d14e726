"""Geometry of the charts drawn as SVG by the templates (the same on the page and in the PDF).

Only positions are computed here; the scores come from :mod:`assessor.domain.scoring`.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from assessor.domain.bank import localize
from assessor.domain.scoring import Result

#: Rings drawn behind the radar, one per stage threshold.
RINGS = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class Axis:
    label_lines: tuple[str, ...]
    score: int | None
    #: The end of the axis (score 100) and the label's anchor point.
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    cx: float
    cy: float
    axes: tuple[Axis, ...]
    #: "x,y x,y …" of the scores' polygon, and of each ring.
    polygon: str
    rings: tuple[tuple[int, str], ...]
    points: tuple[tuple[float, float], ...]


def radar(result: Result, language: str, *, size: int = 300, margin: int = 150) -> Radar:
    """Lay out a radar chart of the dimension scores of ``result``."""
    radius = size / 2
    width, height = size + 2 * margin, size + margin
    cx, cy = width / 2, height / 2
    count = len(result.dimensions)

    def at(index: int, value: float, extra: float = 0.0) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * value / 100 + extra
        return round(cx + distance * math.cos(angle), 1), round(cy + distance * math.sin(angle), 1)

    axes, points = [], []
    for index, dim in enumerate(result.dimensions):
        x, y = at(index, 100)
        lx, ly = at(index, 100, extra=14)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        lines = tuple(textwrap.wrap(localize(dim.dimension.title, language), 18)) or ("",)
        if ly < cy - radius * 0.5:
            ly -= 11 * (len(lines) - 1)  # grow labels at the top upwards, away from the chart
        axes.append(Axis(lines, dim.points, x, y, lx, ly, anchor))
        points.append(at(index, dim.score or 0))

    def ring(value: int) -> str:
        return " ".join(f"{x},{y}" for x, y in (at(i, value) for i in range(count)))

    return Radar(
        width=width,
        height=height,
        cx=cx,
        cy=cy,
        axes=tuple(axes),
        polygon=" ".join(f"{x},{y}" for x, y in points),
        rings=tuple((value, ring(value)) for value in RINGS),
        points=tuple(points),
    )


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    #: (x, y, label, points) per assessment, oldest first.
    points: tuple[tuple[float, float, str, int], ...]
    polyline: str
    #: (y, value) of the horizontal guides at each stage threshold.
    guides: tuple[tuple[float, int], ...]
    left: int
    right: int


def trend(history: list[tuple[str, float]], *, width: int = 640, height: int = 240) -> Trend:
    """Lay out a line chart of overall scores (0-100) over ``(label, score)`` entries."""
    left, right, top, bottom = 40, width - 45, 20, height - 40
    count = len(history)
    step = (right - left) / max(count - 1, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / 100, 1)

    points = tuple(
        (round(left + i * step, 1), y_of(score), label, math.floor(score))
        for i, (label, score) in enumerate(history)
    )
    return Trend(
        width=width,
        height=height,
        points=points,
        polyline=" ".join(f"{x},{y}" for x, y, _, _ in points),
        guides=tuple((y_of(v), v) for v in (0, *RINGS)),
        left=left,
        right=right,
    )
