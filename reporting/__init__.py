"""What people read: the sector overview and council pages, their charts, and the exports."""
