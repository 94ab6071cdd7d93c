"""Reference data of the identity area: the most common passwords, refused for accounts."""
