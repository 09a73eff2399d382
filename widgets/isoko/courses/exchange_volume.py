"""The exchange on a shared volume, when every learner runs as the same Unix id.

In containers (Docker Compose, Kubernetes) each learner's server runs as the image's
user, uid 1000, so a file's owner no longer says which learner made it, and modes
cannot keep learners out of each other's folders. What the kernel said on one machine,
the mounts say here. The hub mounts into each learner's server (``isoko.hub.deployment.
learner_mounts``) only:

* ``<course>/outbound/``, read-only: the released assignments, the same for everyone;
* ``<course>/inbound/<name>/`` as its ``inbound/``: their own submissions;
* ``<course>/feedback/<name>/`` as its ``feedback/``, read-only: their own feedback.

The learner's nbgrader is unchanged: it sees nbgrader's usual layout. The grader sees
the whole volume, and here:

* collect takes the student from the folder the hub mounted, never from the name the
  learner wrote: a submission that claims another learner in its name is refused and
  logged; its files must still be real folders and regular files of the learners' uid
  (no links), copied from the descriptors that were checked, and its time is still its
  latest inode change time, set by the file server, not the learner
  (``isoko.courses.exchange``);
* feedback is released into each learner's own ``feedback/<name>/``.

The steps are chosen by the deployment mode (``ISOKO_DEPLOYMENT`` not ``local``).
"""

from __future__ import annotations

import os
import re

from traitlets import Integer

from isoko.courses import exchange

#: The uid every learner container runs as (the Docker Stacks user ``jovyan``).
CONTAINER_LEARNER_UID = 1000


class ExchangeCollect(exchange.ExchangeCollect):
    learner_uid = Integer(
        CONTAINER_LEARNER_UID, help="The uid every learner's server runs as."
    ).tag(config=True)

    def expected_uid(self, student_id: str) -> int:
        return self.learner_uid

    def inbound_entries(self) -> list[str]:
        """``<learner>/<submission>`` for every submission in a learner's own folder that
        names that learner; the others are refused here."""
        entries = []
        for learner in sorted(os.listdir(self.inbound_path)):
            folder = os.path.join(self.inbound_path, learner)
            if learner.startswith(".") or not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                claimed = name.split("+", 1)[0]
                if claimed != learner:
                    self.refuse(
                        f"{learner}/{name}",
                        f"it names {claimed!r} but was handed in by {learner!r}",
                    )
                    continue
                entries.append(f"{learner}/{name}")
        return entries


class ExchangeReleaseFeedback(exchange.ExchangeReleaseFeedback):
    """Each learner's feedback into their own ``feedback/<name>/``, which only they mount."""

    def copy_files(self):
        feedback = self.dest_path
        pattern = self.coursedir.format_path(
            self.coursedir.feedback_directory,
            "(?P<student_id>[^/]+)",
            self.coursedir.assignment_id,
            escape=True,
        )
        students = sorted(
            {
                match["student_id"]
                for path in _glob_dirs(self.src_path)
                if (match := re.fullmatch(pattern, path))
            }
        )
        try:
            for student in students:
                self.src_path = self.coursedir.format_path(
                    self.coursedir.feedback_directory, student, self.coursedir.assignment_id
                )
                self.dest_path = os.path.join(feedback, student)
                os.makedirs(self.dest_path, mode=0o755, exist_ok=True)
                super().copy_files()
        finally:
            self.dest_path = feedback


def _glob_dirs(pattern: str) -> list[str]:
    import glob

    return [path for path in glob.glob(pattern) if os.path.isdir(path)]


#: nbgrader's exchange steps in containers: the collect and feedback release above, the
#: one-machine steps for the rest (a learner's server sees nbgrader's layout).
STEPS = {
    "collect": "isoko.courses.exchange_volume.ExchangeCollect",
    "release_feedback": "isoko.courses.exchange_volume.ExchangeReleaseFeedback",
}
