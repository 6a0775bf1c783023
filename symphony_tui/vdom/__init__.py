"""The UI half of Motifs: VDOM patches applied to live Textual widgets, and widget events sent back by node id."""
