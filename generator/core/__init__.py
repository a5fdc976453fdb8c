"""The core: validate, resolve variants into one handbook, filter the edition, render to Markdown. Imports no MkDocs."""
