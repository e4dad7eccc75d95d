"""石首督导看板 performance benchmark (`make bench`, benchmarks/run_benchmarks.py --help).

cli           options, the order of the steps, the exit status
settings      the targets and the drill's places and paths
machine       what the figures were measured on
server        the app under gunicorn with an access log of server times
demo_build    step 1, the demo build + import
api           step 2, indicator API latency
router_http   step 2b, the router callback posted from an HTTP client
drill_browser steps 3+4, the drill in headless chromium: recording
drill_report  steps 3+4: callback server times and click -> redrawn, printed and judged
report        the result rows, tables and the summary
stats         percentiles and the formats of times

The app is started as the tests start it (tests/fixtures/processes.py, tests/fixtures/chromium.py).
"""
