"""The open data API (/api/v1), its bulk files, OC4IDS records and Atom feeds: read-only, no login."""
