"""Following a story, as stored: which chats follow what, which entries each is to get (at most
once), and what each has seen. Pushing them is bot.telegram.pusher's work."""
