crelease --sweep --watch :/x
