"""gunicorn -c gunicorn.conf.py dashboard.wsgi:server"""

import os

bind = os.environ.get("DASHBOARD_BIND", "127.0.0.1:8050")
# Workers by CPU count (2 per core and one more, as gunicorn advises), at most 9: each holds
# the app (about 250 MB) and its page cache.
workers = int(os.environ.get("DASHBOARD_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 9)))
threads = int(os.environ.get("DASHBOARD_THREADS", "4"))
timeout = 120
accesslog = "-"
errorlog = "-"
