"""Request categories as data: what residents pick, the extra questions each asks, and the
keyword rules that route a request's text when no category was picked. Administrators
manage every category in the console; department leads manage their own departments'.
"""
