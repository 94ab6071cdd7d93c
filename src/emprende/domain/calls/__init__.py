"""Seed-capital calls: a funding round's terms and rubric, the applications made with business ideas, the committee's
conflict-of-interest declarations, review assignments and scores, and how scores aggregate into a ranking."""
