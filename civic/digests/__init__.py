"""Digests: one mail a day or a week per person, summing up what happened on the cases and agencies they follow."""
