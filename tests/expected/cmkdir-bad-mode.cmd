cmkdir -m 9999 :/x
