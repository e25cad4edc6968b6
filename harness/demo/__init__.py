"""The judges' demo: one command (`make demo`) that proves the spec and leaves one page.

`python -m harness.demo` starts the backend on a throwaway embedded PostgreSQL (or targets
`BASE_URL`), runs the acceptance features and a short Locust session against it, stops what
it started, and writes `reports/index.html`. `python -m harness.demo render` redraws the
page from the files a run left in `reports/`.
"""
