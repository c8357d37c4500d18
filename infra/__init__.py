"""The stack: the template builder (build_template.py, template/) and the operations tools."""
