# W5: an empty script; the runner times the whole process.
