"""Database adapters of the audit area: reading the trail (every unit of work writes it: `shared.unit_of_work`)."""
