cmount -u
