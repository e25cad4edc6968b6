"""The judges' pages: judge backends against the spec, put ours under load, write static pages.

`python -m judging` (what `make demo` calls) judges our backend, or `BASE_URL`'s, runs a
short Locust session and writes `reports/index.html`. `python -m judging compare` judges
several backends in one run and writes `reports/compare/index.html`: requirements × backends,
our reference as the control column. `python -m judging render` redraws the demo's page.
"""
