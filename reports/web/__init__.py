"""The dashboard and its JSON API (`veilleur serve`): FastAPI over the same database and evidence
store as the CLI, showing the same figures (reports/observatory/: indicators, objectives, progress, exports).

create_app() in reports/web/app.py builds it; one router module per area.
"""
