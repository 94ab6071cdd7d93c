"""The services' shared kernel: the acting principal, the permission table, request context, the ports."""
