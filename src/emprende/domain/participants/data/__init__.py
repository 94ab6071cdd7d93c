"""Reference data shipped with the package (INEC political-administrative division of Ecuador)."""
