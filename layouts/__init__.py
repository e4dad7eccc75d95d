"""Pure functions from typed data to Dash components. No database, no app import."""
