"""Observatory's bundled plugins, each declared as an ``observatory.plugins`` entry point."""
