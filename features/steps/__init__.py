"""Step definitions, one module per area; `features/conftest.py` registers them."""
