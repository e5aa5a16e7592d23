"""Public comments on cases, and the tracked feedback items routed to the responsible agency."""
