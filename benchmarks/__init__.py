"""石首督导看板 performance benchmark (`make bench`, benchmarks/run_benchmarks.py --help).

cli           options, the order of the steps, the exit status
settings      the targets, the drill's places and paths, the load mix's shares
machine       what the figures were measured on
server        the app under gunicorn with an access log of server times, its workers' memory
accounts      the tests' accounts, to sign in with
http_client   an HTTP client signed in as a browser is, and whether an answer is the page
demo_build    step 1, the demo build + import
api           step 2, indicator API latency
router_http   step 2b, the router callback posted from an HTTP client
drill_browser steps 3+4, the drill in headless chromium: recording
drill_report  steps 3+4: callback server times and click -> redrawn, printed and judged
cold_pages    step 6, the first request for pages nobody has opened
mix_plan      step 7's pages: the page classes, their URLs and shares
load_mix      step 7, issue 15's viewers at once, then the workers' memory
pdf_load      step 8, PDF exports at once while the health probe runs
report        the result rows, tables and the summary
county_import a synthetic county's cases sent again (python -m benchmarks.county_import)
stats         percentiles and the formats of times

The app is started as the tests start it (tests/fixtures/processes.py, tests/fixtures/chromium.py).
"""
