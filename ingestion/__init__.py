"""SLI warehouse: land, load, build, audit and publish the sector-led improvement data."""
