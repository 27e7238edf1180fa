"""The kernel: settings, translation and domain errors; imports nothing else of Yulu."""
