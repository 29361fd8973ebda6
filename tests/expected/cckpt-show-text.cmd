cckpt show "$CK/valid-container.img"
