"""Versions of what entity-reader derives and keeps: a change makes kept results be derived
anew. A tiny module, so looking up a kept view does not import what derives one."""

PASS_VERSION = 17
"""The document-level pass (extract/document_pass.py and the vote and links of grouping):
bump whenever it makes something else of the same mentions."""

VIEW_FORMAT = 5
"""How a kept view is written (`extract.packed`): bump when that changes."""
