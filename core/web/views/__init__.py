"""The core's own pages, registered through the same blueprint hook as any plugin's."""
