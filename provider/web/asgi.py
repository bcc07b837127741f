"""ASGI entry for multi-worker servers: `uvicorn --factory provider.web.asgi:web_app --workers N`.

Web workers never run the scheduler; one `pecr scheduler` process (or `pecr serve`) does.
"""

from provider.web.app import create_app


def web_app():
    return create_app(embed_scheduler=False)
