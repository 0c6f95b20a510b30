"""Following a story: chats follow a coverage or a topic in it, and new entries are pushed to
them, each (chat, entry) at most once, by any number of processes."""
