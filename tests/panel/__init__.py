"""The self-test of the judge: deliberately broken copies of our backend, one defect each."""
