cmount -T -u /x
