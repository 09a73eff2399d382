"""What the platform needs on the machine: paths, secrets, Unix accounts, demo accounts."""
