"""Flask glue shared by every domain: access checks, errors, locale, security headers."""
