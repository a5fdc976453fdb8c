"""The pages and files of a school's site, prepared for the MkDocs adapter."""
