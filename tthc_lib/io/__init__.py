"""Reading an export (CSV, XLSX, Parquet) into a relation of text cells."""
