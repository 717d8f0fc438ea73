"""Running unattended: talking to the service manager that supervises the wall."""
