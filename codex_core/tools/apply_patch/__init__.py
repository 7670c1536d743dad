"""The apply_patch tool: its patch language, applying it to files, and the diffs clients see."""
