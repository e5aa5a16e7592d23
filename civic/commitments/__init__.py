"""The Open Government action plan commitments: targets the authority sets and progress from the data."""
