"""Business rules. Plain inputs, plain outputs, no request objects."""
