"""What is counted: classification dimensions, the indicator registry, results, sections."""
