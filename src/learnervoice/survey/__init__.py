"""Survey responses: readers of other tools' files, mapping to the instrument, validation, the store."""
