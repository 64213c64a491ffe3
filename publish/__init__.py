"""The release: version and changelog, citation, checksums, the zip and its exports, published all or none.

`release.build()` validates the package and builds everything in a staging folder before it moves into
dist/; `swap` is that move, which the docs site uses too. `cli` is the command `china-ai-release`.
"""
