"""Manager reports (SPEC §9): figures computed in SQL by `selectors`, served by the page,
the exports and the API alike; the year trend reads the daily rollup (`rollup`)."""
