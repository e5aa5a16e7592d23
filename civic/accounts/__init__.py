"""Accounts: people, their sessions, the companies suppliers represent."""
