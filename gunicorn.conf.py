"""gunicorn settings read from the working directory: the access log keeps no client details for the
confidential report pages (civic/web/access_log.py)."""

logger_class = "civic.web.access_log.PrivateAccessLogger"
