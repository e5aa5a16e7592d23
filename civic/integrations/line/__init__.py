"""LINE notices through the LINE Messaging API: linking a LINE account with a one-time code, the
webhook LINE calls, and the outbox's LINE channel that carries person-facing notices there too."""
