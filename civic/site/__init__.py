"""Pages that combine domains: the home page, /healthz, static pages."""
