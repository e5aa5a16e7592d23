"""Confidential reports of alleged wrongdoing: filed without an account, encrypted at rest, read only by
the integrity officers they are routed to. Private is a boundary: nothing of the public site, the API,
search, exports, feeds or the page cache imports this package."""
