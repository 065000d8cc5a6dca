"""Pipeline: retrain orchestration, notebook execution, scheduled drift job."""
