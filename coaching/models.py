"""Meetings, goals, 30-day reports, PLC attendance and reminders. Models arrive with their issue."""
