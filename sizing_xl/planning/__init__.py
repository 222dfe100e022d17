"""Planning: many sizings at once (sweeps and grids), built on one size() per distinct point."""

# --uncertain's sample counts (ranges.py), here so that `sizing --help` states them without
# importing ranges.py, which only --uncertain uses
DEFAULT_SAMPLES = 10_000
MAX_SAMPLES = 100_000  # P10 and P90 settle long before; more is a mistake, not a plan
