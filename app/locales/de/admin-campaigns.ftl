# Usher's message catalogue (de): the admin dashboard, admin-campaigns.
