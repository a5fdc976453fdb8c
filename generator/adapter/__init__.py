"""The MkDocs plugin: the only part of the generator that knows MkDocs' plugin API."""
