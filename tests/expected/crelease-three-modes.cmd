crelease --remove --watch --sweep :/x
