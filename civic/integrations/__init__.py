"""What other systems use to work with the platform: personal access tokens for the write API, and
signed webhooks that tell a system of public events (LINE notices live in their own package here)."""
