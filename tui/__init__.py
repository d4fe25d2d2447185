"""entity-reader's terminal side: the command line and the Textual reader.

Importing this package imports nothing from Textual; ``tui.app`` does.
"""
