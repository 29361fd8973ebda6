cckpt verify "$CK/parent-later.img"
