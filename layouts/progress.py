"""A background job's progress as the pages show it (uploads, PDF exports)."""

from __future__ import annotations

from dash import html

from layouts.attributes import attributes


def progress_lines(share: float | None, label: str, note: str = "") -> list:
    """A progress bar and what the job is doing; share None: a moving bar, for a step that
    has no share to tell."""
    shown = label if share is None else f"{label} · {max(0.0, min(1.0, share)):.0%}"
    bar = html.Progress(className="data-progress", **attributes({"aria-label": label})) \
        if share is None else html.Progress(value=str(max(0.0, min(1.0, share))), max="1",
                                            className="data-progress",
                                            **attributes({"aria-label": label}))
    lines = [bar, html.P(shown, className="data-phase", role="status")]
    if note:
        lines.append(html.P(note, className="muted small"))
    return lines
