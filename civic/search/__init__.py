"""Full-text search in Traditional Chinese (and English) over cases, comments and answers."""
