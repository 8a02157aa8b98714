"""The error type that the workflow turns into a one-line message."""

from __future__ import annotations


class EpipairError(Exception):
    """A problem with an input that the user must fix.

    The message is a single line that names the file, the row or record and what is wrong.
    Workflow scripts catch it and print it without a traceback (see ``epipair.smk``).
    """
