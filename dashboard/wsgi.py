"""WSGI entry point: gunicorn dashboard.wsgi:server"""

import gc

from dashboard.app import create_app

app = create_app()
server = app.server
# Imports and set-up leave some 190,000 long-lived objects (plotly's validators, Dash's
# component classes). A full collection walked them all, about 100 ms, and stalled whichever
# request set it off; frozen, collections look only at what requests create.
gc.freeze()
