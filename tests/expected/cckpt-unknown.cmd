cckpt frobnicate
