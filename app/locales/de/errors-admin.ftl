# Usher's message catalogue (de): errors-admin (error messages of the dashboard).
