cckpt verify -o x.img "$CK/valid-container.img"
