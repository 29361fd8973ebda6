cattach :/x
