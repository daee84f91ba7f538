"""WTForms forms: parse and range-check what the browser sends."""
