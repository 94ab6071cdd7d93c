"""Use cases of seed-capital calls: the call, its applications, the committee, reviews and the ranking."""
