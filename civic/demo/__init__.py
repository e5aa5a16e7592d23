"""The demonstration data set and ``flask demo load``."""
