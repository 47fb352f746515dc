"""Notifications in the app and by email: assignments, new records in followed countries, deadline reminders."""
