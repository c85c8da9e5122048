"""Stand-in for the awsglue library of Glue 5.0: only what glue/jobs/curate.py calls."""
