"""JSON Schemas for editors' tooling, generated from the source model."""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from generator.sources.model import ClauseMeta, DosDonts, Form, Policy, School

SCHEMAS: dict[str, type[BaseModel]] = {
    "policy": Policy,
    "clause": ClauseMeta,
    "dos-donts": DosDonts,
    "form": Form,
    "school": School,
}


def schema_json(model: type[BaseModel]) -> str:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / f"{name}.schema.json"
        path.write_text(schema_json(model), encoding="utf-8")
        written.append(path)
    return written
