"""What other systems use to work with the platform: personal access tokens for the write API."""
