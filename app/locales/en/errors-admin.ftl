# Usher's message catalogue (en): errors-admin (error messages of the dashboard).
