# Usher's message catalogue (de): errors-invitations (error messages of the dashboard).
