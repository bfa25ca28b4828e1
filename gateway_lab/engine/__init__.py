"""Gateway Lab's engine: a pure-Python simulation of Amazon API Gateway's request pipeline.

No Django here (tests/engine/test_architecture.py enforces it). Front ends build a
``messages.Request``, run the pipeline and render the ``trace.Trace`` it returns.
"""
