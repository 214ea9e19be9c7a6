"""Running reports: the notebook through papermill, PDF, batch, the outputs index, the
workspace."""
