"""The bottom layer: errors with codes, text and numbers as shown, periods, paths, columns."""
