cmkdir
