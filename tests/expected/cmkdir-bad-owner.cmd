cmkdir -u no-such-user-ctk :/x
