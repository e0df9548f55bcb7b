"""The resident's download: a ZIP of everything held about them, built on the task queue.

The request, its status history and the finished archive live in models; archive turns the
personal-data providers' kinds into one JSON document and one CSV per kind; service runs
the use cases and the queued tasks.
"""
