cmount -J -P
