"""Training's use cases: modules and their versions, cohorts and sessions, enrolment with a fair waitlist."""
