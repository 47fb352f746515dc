"""Dates: the deadline engine that gathers what plugins say is due, for the upcoming page, the dashboard and each
user's calendar feed (:mod:`.deadlines`), and the pages showing them (:mod:`.views`: the upcoming page and the
feed behind a secret, revocable address). Reminders by email of the same deadlines are sent by
``core/notifications/``."""
