"""Browser tests: the built handbook in Chromium (see conftest.py)."""
