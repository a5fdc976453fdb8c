"""The `policy-site` command: build (parallel, cached, sharded, atomic publish), serve and editors' commands."""
