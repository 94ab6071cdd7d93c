"""The training area's database adapters: modules and their versions, cohorts, sessions, enrolments."""
