"""Course-wide nbgrader settings for the logistics course.

The grading service adds the machine's own settings (where the course directory
lives); everything here travels with the course. The assignments' data files
(a02's freight-quotes-2026.csv, a03's daily-sales-2026.csv) sit beside their
notebooks in source/ and need no setting: nbgrader releases them with the notebook,
and autograde copies them again from the source folder, so a learner's edited or
deleted copy is never what gets graded.
"""

c = get_config()

# Names the course in the exchange and the gradebook; must equal course.yaml's slug.
c.CourseDirectory.course_id = "logistics"

# Graded cells are small functions over tables of a few hundred rows and finish in
# well under a second; 30 s stops an endless loop quickly while leaving room for
# pandas to load on a busy grader.
c.ExecutePreprocessor.timeout = 30
