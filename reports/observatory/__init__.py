"""The observatory's indicators per service and quarter, their levels, the objectives, progress and exports."""
