cattach :/x 12ab
