"""Agencies: the bodies that own cases and answer the public."""
