"""The course's small model server (``serving/server.py``), started by notebook 10 and by tests/test_serving.py."""
