"""Files attached to any record, stored outside the static folder and served only through a checked route."""
