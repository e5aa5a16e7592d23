"""Building blocks with no domain knowledge and no ``request``."""
