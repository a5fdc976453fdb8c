"""Adopted versions from git, clause-level diffs, What's changed, the feed and open data."""
