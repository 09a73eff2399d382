"""Course tooling: reading course folders, publishing their content, preparing grading."""
