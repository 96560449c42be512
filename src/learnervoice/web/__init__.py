"""The web workbench (`learnervoice serve`): a thin layer of routes over the library."""
