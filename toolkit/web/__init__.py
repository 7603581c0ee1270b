"""``qhsme serve``: a small local web page for clerks and applicants.

    from toolkit.web import create_app, serve
    app = create_app({"token": "…", "max_mb": 300})
    serve("127.0.0.1", 8000)            # waitress; refuses a non-local host without a token
"""
from .app import WebConfig, create_app
from .server import is_loopback, serve

__all__ = ["WebConfig", "create_app", "is_loopback", "serve"]
