"""Request handlers, one module per page family; `routes` wires them to URLs."""
