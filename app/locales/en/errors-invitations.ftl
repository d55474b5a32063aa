# Usher's message catalogue (en): errors-invitations (error messages of the dashboard).
