"""The mail outbox: messages written with the change they report, delivered by a worker."""
