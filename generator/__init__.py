"""policy-site: school policies as data, published as one handbook per school."""
