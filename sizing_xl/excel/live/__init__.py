"""The live Model sheet: native Excel formulas that mirror the engine, their labels and input
checks, and the values the engine gives for each of their cells."""
