"""Evaluation: the reports and figures (``report``, ``plots``) and genome-wide candidate
scoring (``candidates``). Imports go down only (``tests/test_layout.py``)."""
