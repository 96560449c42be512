"""Where the two strands meet: codes of the focus groups tabulated beside the survey's questions."""
