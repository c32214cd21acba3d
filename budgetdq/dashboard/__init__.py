"""The data-quality dashboard: a Streamlit app over the lake's published snapshot (read-only)."""
