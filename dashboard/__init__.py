"""石首督导看板: Shishou oversight dashboard (Plotly Dash)."""
