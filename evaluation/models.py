"""CLASS observations, growth analytics, surveys and coach reviews. Models arrive with their issue."""
