"""Tenders from the government e-procurement system: announcements, bidders, winners."""
