"""The pages, one module each; `ROUTES` is every route of the app but the static files."""

from web.pages import login, overview, priority, signals, unit

ROUTES = [*login.ROUTES, *overview.ROUTES, *priority.ROUTES, *unit.ROUTES, *signals.ROUTES]
