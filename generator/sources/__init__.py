"""Source files and their model: reading, safe YAML, pydantic models, loading with locations."""
