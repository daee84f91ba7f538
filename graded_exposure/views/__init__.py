"""Views: one blueprint per area; parse the request, call one service, render."""
