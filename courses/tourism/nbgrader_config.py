"""Course-wide nbgrader settings for the tourism course.

The grading service adds the machine's own settings (where the course directory
lives); everything here travels with the course. Assignment data (a02's CSV files)
needs no setting: autograde always copies it again from the source folder, so a
learner's edited copy is never graded.
"""

c = get_config()

# Names the course in the exchange and the gradebook; must equal course.yaml's slug.
c.CourseDirectory.course_id = "tourism"

# Every graded cell runs in well under a second; 30 s stops an endless loop quickly
# while leaving room for pandas to load on a busy grader.
c.ExecutePreprocessor.timeout = 30
