"""Qt user interface. Nothing here is imported by synoptic/."""
