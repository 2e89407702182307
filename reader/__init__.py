"""The one reader of the published file (`CCHC_WAREHOUSE`): what the brief, the web app and the CLI read, and how.

The file is only ever opened read-only. One job per module:

- `file`: opening it — once, for a command (`open_read_only`), or always its newest generation, for the web app
  (`PublishedFile`); `errors`: the one error type, `ReadError` (and `NoPublishedFile`);
- `sql`: running a read (bound parameters only) and which tables the file holds;
- `model`: what the rows mean (`Unit`, `Signal`, `Window`, `Publication`, …, `KIND_VI`); `months`: months and
  the window a read covers (`report_window`); `paging`: which page of a list is shown;
- `publication`, `catalog`, `units`: the file itself, the signals, the directory;
- `pooling`: a unit's signals pooled over a window, by the rule of marts.unit_signals_pooled;
- `reasons`: why a unit ranks where it does, with the numbers (marts.priority_signals); `history`: how its ranking
  moved (marts.priority_history*); `funnel`: the funnel limits of a signal's page;
- `register`: the inspection cycle, each unit's last inspection, and the rule of who was just inspected (shared by
  `cchc draw` and the web app);
- `unit_data`: what one unit's brief reads; `pages/`: one query module per web page.
"""
