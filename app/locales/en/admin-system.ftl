# Usher's message catalogue (en): the admin dashboard, admin-system.
