"""One query module per page of the web app: each page reads the published file through its module only
(tests/test_architecture.py checks it), so what a page shows can be read, and changed, in one place."""
