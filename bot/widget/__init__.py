"""The embeddable web widget: its settings, the script bundle, message-id dedupe, summaries."""
