cckpt verify "$CK/valid-container.img"
