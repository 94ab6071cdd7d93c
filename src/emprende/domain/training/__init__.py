"""Training: modules authored by universities, cohorts with capacity and a fair waitlist, attendance, completion and
verifiable certificates."""
