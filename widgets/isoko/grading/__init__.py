"""Isoko's grading pipeline: nbgrader's gradebook and formats, learner code sandboxed.

nbgrader runs a submission in a kernel with the grader's own rights. Here the
execution step (``execute.SandboxedExecute``) runs each notebook in a fresh sandbox
(``sandbox``): an unprivileged account that owns nothing, bubblewrap with no network
and a private /tmp, only the submission's data files visible, limits on CPU, memory,
processes, files and output. Inside, ``runner`` executes the notebook exactly as
nbgrader would; the grader outside reads the outputs back and writes the gradebook.
``pool.WarmSandboxPool`` grades many submissions in a few warm sandboxes, each
submission in processes forked from a ``zygote`` that imported everything once.
"""
