"""The benchmark (`make bench`, `python -m load.bench`): our backend against its ceilings."""
