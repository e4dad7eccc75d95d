"""gunicorn -c gunicorn.conf.py dashboard.wsgi:server"""

import os

bind = os.environ.get("DASHBOARD_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("DASHBOARD_WORKERS", "2"))
threads = int(os.environ.get("DASHBOARD_THREADS", "4"))
timeout = 120
accesslog = "-"
errorlog = "-"
