"""placeholder"""

from provider.web.csrf import html_router

router = html_router()
