"""The pieces of the merge template that infra/build_template.py assembles: inputs (the stage's settings,
the tables, app.py's functions), metrics (what the code emits), wiring (stream event sources, schedule
settings), alarms and the dashboard."""
