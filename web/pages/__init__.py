"""The pages, one module each; `ROUTES` is every route of the app but the static files."""

from web.pages import login, overview

ROUTES = [*login.ROUTES, *overview.ROUTES]
