cmount --mountinfo /nonexistent/mountinfo
