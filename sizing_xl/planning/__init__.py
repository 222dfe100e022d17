"""Planning: many sizings at once (sweeps and grids), built on one size() per distinct point."""
