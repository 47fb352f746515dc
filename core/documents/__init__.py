"""The documents service (:mod:`.documents`): one structured document of simple blocks, rendered as HTML, PDF or
DOCX the same way for every feature, and built in a job when it is long. It renders only through a disclosure
guard (``core/disclosure/``), which decides what a document may say; what goes into a bulletin or an annual
report is decided in ``core/publications/``."""
