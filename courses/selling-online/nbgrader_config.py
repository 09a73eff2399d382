# nbgrader settings for the selling-online course. The platform adds the course
# directory (CourseDirectory.root) and the exchange where it runs the course.
c = get_config()

# The course's name in the exchange, the gradebook and learners' folders.
c.CourseDirectory.course_id = "selling-online"

# Every graded cell runs in well under a second; 30 s stops a learner's endless
# loop quickly without failing a slow but honest answer.
c.ExecutePreprocessor.timeout = 30

# a02 reads livestream-orders.csv beside its notebook. Autograding copies the
# instructor's version over the learner's (nbgrader's default), so an edited data
# file cannot change a grade: keep that list of exceptions empty.
c.Autograde.exclude_overwriting = {}
