"""Work done away from the request: background jobs run by rq or inline, with their progress and result file
(:mod:`.jobs`), the calendar of scheduled tasks for ``observatory scheduler`` (:mod:`.schedule`), the core's own
job functions (:mod:`.exports`) and the pages showing a user's jobs (:mod:`.views`). The job functions of a part
(record exports, publication builds) live with that part; a plugin reaches this through ``core.api``'s
``enqueue_job`` and ``JobContext`` (API version 3)."""
