"""Every page: its URL pattern and the function that assembles it.

A page function takes (context, lang, query, *groups of the pattern) and returns
(title, breadcrumb trail, body); it raises views.NotFound for an unknown code. The router puts
it in the common frame (title bar, navigation, breadcrumb).

The domains' pages come from their callbacks modules (callbacks/domains.py).

A screen takes the same arguments and returns the whole window's content, without the frame
(the wall display).
"""

from __future__ import annotations

from callbacks.admin import audit_page
from callbacks.areas import area_page, overview_page
from callbacks.data_entry import data_page
from callbacks.domains import Page, domain_data_only_pages, domain_pages
from callbacks.duban import duban_item_page, duban_page
from callbacks.views import township_page, village_page
from callbacks.wall import wall_screen
from callbacks.weekly import archived_page, weekly_page, weekly_township_page

PAGES: tuple[tuple[str, Page], ...] = (
    (r"^/$", overview_page),
    (r"^/area/(\d{12})$", area_page),
    (r"^/township/(\d{12})$", township_page),
    (r"^/village/(\d{12})$", village_page),
    *domain_pages(),
    (r"^/weekly$", weekly_page),
    (r"^/weekly/(\d{12})$", weekly_township_page),
    (r"^/weekly/export/(\d{1,9})$", archived_page),
    (r"^/duban$", duban_page),
    (r"^/duban/(\d{1,9})$", duban_item_page),
    (r"^/data$", data_page),
    (r"^/admin/audit$", audit_page),
)

# Pages drawn from imported data, the URL, the day and the viewer's scope alone: the router
# keeps them as rendered until the next import. The others also show what users do between
# imports (stored exports, 督办 items) or what their role may do.
DATA_ONLY_PAGES = frozenset({overview_page, area_page, township_page, village_page,
                             *domain_data_only_pages()})

SCREENS: tuple = (
    (r"^/wall$", wall_screen),
)
