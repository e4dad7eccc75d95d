"""WSGI entry point: gunicorn dashboard.wsgi:server"""

import gc

from dashboard.app import create_app

app = create_app()
server = app.server
# Imports and set-up leave some 190,000 long-lived objects (plotly's validators, Dash's
# component classes). A full collection walked them all, about 100 ms, and stalled whichever
# request set it off; frozen, collections look only at what requests create.
gc.freeze()
# Drawing a page keeps some 6,000 objects alive until it is sent (frames, components, SQL
# expressions): at Python's default of a young collection every 700 new objects, a village
# page made 9 collections, and with the older ones they set off, 5.6 ms of its 50 went to
# looking for cycles; every 10,000, 2.7 ms.
gc.set_threshold(10_000, 10, 10)
