"""Participation workshops: sign-ups with limited seats, a waitlist, reminders and calendars."""
