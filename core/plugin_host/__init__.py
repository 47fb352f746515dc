"""The plugin host: one pluggy manager per application that loads the plugins (our four and any installed one),
checks each against the hook specifications and the plugin API version and isolates its failures
(:mod:`.plugins`), which are recorded in the database for every process to see (:mod:`.failures`); every hook a
plugin may implement (:mod:`.hookspecs`); the small frozen records hooks return (:mod:`.contributions`); and the
gathering of those answers, kept to what the user may see (:mod:`.gather`). It does not own what plugins may
import (that is :mod:`core.api`) nor the core's own hook implementations (:mod:`core.builtin`,
:mod:`core.records.plugin`)."""
