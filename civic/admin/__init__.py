"""The integrity authority's screens: views and forms only, every change through domain services."""
