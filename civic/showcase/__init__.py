"""The showcase of apps built on the open data, the data challenges the authority runs, and their moderation."""
